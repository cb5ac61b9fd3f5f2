"""The local hotline regulation is the deployment's, not always Beijing's (issue): named by
setting, cited by the table, the pages and the English citations; none cited where a
deployment names none."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from xinfang.core import law

WEIFANG = {
    "name": "潍坊市12345政务服务便民热线条例",
    "short": "WF",
    "articles": {"routing": "第十五条", "on_the_spot": "第十二条"},
}


def test_the_default_is_beijings(settings) -> None:
    assert law.cite("routing") == "北京市接诉即办工作条例第十一条"
    settings.XINFANG = {**settings.XINFANG, "HOTLINE_REGULATION": WEIFANG}
    assert law.cite("routing") == "潍坊市12345政务服务便民热线条例第十五条"
    assert law.cite("return_visit") == ""  # no article named for it
    settings.XINFANG = {**settings.XINFANG, "HOTLINE_REGULATION": {}}
    assert law.cite("routing") == "" and law.name() == ""


def test_a_deployment_names_its_own(tmp_path) -> None:
    probe = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'xinfang.settings');"
        "django.setup();"
        "from xinfang.actions.workflow import RULES;"
        "from xinfang.web.present import cite;"
        "from django.utils import translation;"
        "print(RULES['answer_on_spot'].article);"
        "translation.activate('en');"
        "print(cite(RULES['answer_on_spot'].article))"
    )
    env = {
        **os.environ,
        "XINFANG_HOTLINE_REGULATION": json.dumps(WEIFANG, ensure_ascii=False),
        "DATABASE_URL": "",
        "XINFANG_DATA_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[:2] == ["潍坊市12345政务服务便民热线条例第十二条", "WF Art. 12"]
