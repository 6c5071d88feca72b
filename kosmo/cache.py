"""The Redis cache backend, keeping one client, on one connection, per server.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache operation,
and redis-py fills a table of about 200 response callbacks in each one: on this project's
benchmark machine that costs 180 µs, more than the round trip to Redis itself (110 µs), and a
signed-in page makes two or three cache operations (its session, the header's unread counts,
a page's own). So each server gets one client, made on first use.

That client keeps its own connection (redis-py's ``single_connection_client``) instead of
taking one from the pool and checking it for stray data around every command (a fifth of a
command's cost here). A client on one connection may not be shared between threads or
processes: Django keeps a cache object, and so this client, per thread, and a forked process
(a Celery worker, gunicorn with ``--preload``) makes its own. The pool's check used to find a
connection the server had closed (a Redis restart) before using it; instead a command that
fails on a lost connection is sent once more on a new one (``retry``, unless OPTIONS name
another).
"""

from __future__ import annotations

import os

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.backoff import NoBackoff
from redis.retry import Retry


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pool_options = {"retry": Retry(NoBackoff(), 1), **self._pool_options}
        self._clients: dict[int, object] = {}
        self._pid = os.getpid()

    def get_client(self, key=None, *, write=False):
        if self._pid != os.getpid():  # forked: the parent's sockets are not ours
            self._clients, self._pools, self._pid = {}, {}, os.getpid()
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:  # as Django's _get_connection_pool, for this index
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(
                connection_pool=self._pools[index], single_connection_client=True
            )
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key) -> None:
        """Nothing to check: Redis takes any key. (Django's check warns about keys memcached
        would refuse, a regular expression run over every key of every operation.)"""
