"""The incremental sync script in the README, run as it is against the live test server."""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api import keys
from petitions import withdrawal
from petitions.models import Signature
from petitions.tokens import make_withdraw_token
from tests.factories import CampaignFactory, ConfirmedSignatureFactory, StatementFactory

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_script() -> str:
    text = README.read_text()
    match = re.search(r"<!-- sync-script -->\s*```python\n(.*?)```", text, re.S)
    assert match, "the README's sync script (after <!-- sync-script -->) is missing"
    return match.group(1)


def run(script: Path, live_server, key: str, since: str) -> tuple[list[dict], str]:
    env = {**os.environ, "API_URL": live_server.url + "/api/v1", "API_KEY": key}
    done = subprocess.run(
        [sys.executable, str(script), since], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    newest = re.search(r"next since: (\S+)", done.stderr).group(1)
    return rows, newest


@pytest.mark.django_db(transaction=True)
def test_the_readme_sync_script_pages_through_signatures_modified_since_a_date(live_server, tmp_path):
    script = tmp_path / "sync.py"
    script.write_text(readme_script())
    campaign = CampaignFactory()
    statement = StatementFactory(campaign=campaign)
    signatures = [ConfirmedSignatureFactory(statement=statement, consent_contact=True) for _ in range(7)]
    key = keys.create_key(campaign, None, "sync", "read").raw

    # A first sync from long ago sees every signature once (three pages of three, the script's size).
    rows, newest = run(script, live_server, key, "2000-01-01T00:00:00Z")
    assert sorted(r["identifiers"][0] for r in rows) == sorted(f"campaign:{s.uuid}" for s in signatures)

    # One signer withdraws consent, another withdraws the signature, a third signs: the next sync
    # sees the first and third changed and the second deleted, and nothing else.
    time.sleep(0.01)
    Signature.objects.filter(pk=signatures[2].pk).update(consent_contact=False)
    withdrawal.withdraw(make_withdraw_token(signatures[4]))
    late = ConfirmedSignatureFactory(statement=statement)
    rows, _ = run(script, live_server, key, newest)
    changed = sorted(r["identifiers"][0] for r in rows if "deleted" not in r)
    assert changed == sorted([f"campaign:{signatures[2].uuid}", f"campaign:{late.uuid}"])
    assert [r["deleted"] for r in rows if "deleted" in r] == [f"campaign:{signatures[4].uuid}"]
    assert signatures[4].email not in json.dumps(rows)
