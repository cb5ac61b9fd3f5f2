"""Key the existing chains: the event log and the access log were chained with an unkeyed
SHA-256, which anyone who can write the database can recompute after an edit; from here on
they are chained with an HMAC under ``XINFANG_AUDIT_KEY`` (set it before migrating in
production). A chain is re-keyed only as far as it verifies under the old hash, so a row
edited before this migration stays reported by ``xinfang audit verify``."""

from typing import Any

from django.db import migrations


def _rekey(apps: Any, schema_editor: Any, *, to_key: bool) -> None:
    from xinfang.ops.rekey import legacy_mac, rekey_access_log, rekey_events
    from xinfang.core.crypto import audit_mac

    old, new = (legacy_mac, audit_mac) if to_key else (audit_mac, legacy_mac)
    conn = schema_editor.connection
    rekey_events(apps.get_model("cases", "Event"), apps.get_model("cases", "Matter"), conn, old=old, new=new)
    rekey_access_log(
        apps.get_model("audit", "AccessLog"), apps.get_model("audit", "ChainHead"), conn, old=old, new=new
    )


def forwards(apps: Any, schema_editor: Any) -> None:
    _rekey(apps, schema_editor, to_key=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rekey(apps, schema_editor, to_key=False)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("cases", "0022_area_id_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
