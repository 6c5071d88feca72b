"""kosmo.cache: Django's Redis cache, with one client on one connection per server instead
of a client per operation and a connection from the pool per command."""

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


def test_every_command_goes_over_the_same_connection():
    require(_redis_answers(), f"no Redis at {URL}")
    cache = RedisCache(URL, {"KEY_PREFIX": "kosmo-test-cache"})
    cache.set("answer", 42, 30)
    client = cache._cache.get_client()
    connection = client.connection
    assert connection is not None
    for _ in range(3):
        assert cache.get_many(["answer", "missing"]) == {"answer": 42}
    assert client.connection is connection
    assert cache._cache._pools[0]._created_connections <= 1  # the pool lends no other


def test_a_lost_connection_is_made_again():
    require(_redis_answers(), f"no Redis at {URL}")
    cache = RedisCache(URL, {"KEY_PREFIX": "kosmo-test-cache"})
    cache.set("answer", 42, 30)
    client = cache._cache.get_client()
    own_id = client.client_id()
    redis.Redis.from_url(URL).client_kill_filter(_id=own_id)  # as a Redis restart would
    assert cache.get("answer") == 42
    assert client.client_id() != own_id


def test_a_forked_process_makes_its_own_client():
    require(_redis_answers(), f"no Redis at {URL}")
    cache = RedisCache(URL, {"KEY_PREFIX": "kosmo-test-cache"})
    parents = cache._cache.get_client()
    cache._cache._pid = -1  # as if this process were the parent's child
    child = cache._cache.get_client()
    assert child is not parents
    assert child.connection_pool is not parents.connection_pool
    assert cache._cache.get_client() is child


def test_any_key_redis_takes_is_used_without_memcached_warnings(recwarn):
    require(_redis_answers(), f"no Redis at {URL}")
    cache = RedisCache(URL, {"KEY_PREFIX": "kosmo-test-cache"})
    key = "with space and 日本語 " + "x" * 300  # memcached would refuse both
    cache.set(key, 1, 30)
    assert cache.get_many([key]) == {key: 1}
    assert not [w for w in recwarn if "memcached" in str(w.message)]
