"""An API client for any persona: `api(org.pia)` calls the API with a read-write token of Pia's."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from productorg.accounts import services
from productorg.accounts.models import User
from productorg.people.models import Person

BASE = "/api/v1"


@dataclass
class Api:
    """Calls /api/v1 with one token; paths are relative to it, bodies are JSON."""

    client: Client
    secret: str

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}

    def get(self, path: str, **params: Any):
        return self.client.get(BASE + path, params, headers=self._headers())

    def post(self, path: str, body: Any = None):
        return self._send("post", path, body)

    def patch(self, path: str, body: Any = None):
        return self._send("patch", path, body)

    def put(self, path: str, body: Any = None):
        return self._send("put", path, body)

    def _send(self, method: str, path: str, body: Any):
        return getattr(self.client, method)(
            BASE + path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self._headers(),
        )


def user_of(who: User | Person) -> User:
    return who.user if isinstance(who, Person) else who


@pytest.fixture
def api(db) -> Callable[..., Api]:
    """An API client for the given user or person, with a new token of the given scope."""

    def make(who: User | Person, scope: str = "write") -> Api:
        created = services.api_token_create(user=user_of(who), name="test", scope=scope)
        return Api(client=Client(), secret=created.secret)

    return make
