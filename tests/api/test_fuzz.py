"""The API against its own OpenAPI schema, fuzzed with schemathesis in-process (WSGI).

Bounded and seeded, so it is part of every test run: positive and negative data for each
operation, and a stateful run that follows the schema's links. The checks: no server
error, the status code, content type and body as the schema documents them.
``XINFANG_FUZZ_EXAMPLES`` raises the bound for a longer run (``bench/fuzz_api.py`` runs
this file with a larger one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from xinfang.api.models import ApiToken

from ..factories import World, register

EXAMPLES = int(os.environ.get("XINFANG_FUZZ_EXAMPLES", "12"))
SEED = int(os.environ.get("XINFANG_FUZZ_SEED", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES,
    database="none",
)
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


@pytest.fixture
def bearer(world: World) -> Iterator[dict[str, str]]:
    """A registrar's token, over a world with a matter in it (so ids can be found). The
    WSGI app's requests keep the test's database connection open, as Django's test
    client does."""
    register(world)
    _, token = ApiToken.issue(world.registrar)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {token}"}
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@hypothesis.seed(SEED)
@SETTINGS
def test_operations(case, bearer: dict[str, str]) -> None:
    case.call_and_validate(headers=bearer, checks=CHECKS)


@pytest.mark.django_db
def test_stateful(bearer: dict[str, str]) -> None:
    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case):
            return {"headers": bearer}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    # derandomized: the same scenarios every run
    Workflow.run(
        settings=hypothesis.settings(
            SETTINGS, max_examples=max(EXAMPLES // 2, 3), stateful_step_count=6, derandomize=True
        )
    )
