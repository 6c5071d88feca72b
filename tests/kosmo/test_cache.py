"""kosmo.cache: Django's Redis cache, with one client per connection pool instead of one per
operation."""

import os

import redis

from kosmo.cache import RedisCache
from tests.conftest import require

URL = os.environ.get("CACHE_URL") or "redis://127.0.0.1:6379/15"


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_one_client_serves_every_operation():
    require(_redis_answers(), f"no Redis at {URL}")
    cache = RedisCache(URL, {"KEY_PREFIX": "kosmo-test-cache"})
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    cache.set("answer", {"n": 42}, 30)
    cache.set_many({"a": 1, "b": 2}, 30)
    assert cache.get("answer") == {"n": 42}
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
    assert cache.incr("a") == 2
    cache.delete_many(["answer", "a", "b"])
    assert cache.get("answer") is None
    assert cache._cache.get_client() is client
    assert len(cache._cache._pools) == 1
