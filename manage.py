#!/usr/bin/env python3
from xinfang.cli import main

if __name__ == "__main__":
    main()
