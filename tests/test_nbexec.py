"""The nbclient shell-poll fix (course_lib._nbexec): polls in slices, same deadline, same messages."""

import asyncio
from queue import Empty

import pytest
from jupyter_client.channels import AsyncZMQSocketChannel

from course_lib._nbexec import install_shell_poll_slices


class _FakeSocket:
    """A socket whose first ``ready_after`` polls see nothing (a missed wake-up), then the message."""

    def __init__(self, ready_after):
        self.ready_after = ready_after
        self.polls = []

    async def poll(self, timeout_ms=None):
        self.polls.append(timeout_ms)
        if timeout_ms:
            await asyncio.sleep(min(timeout_ms, 20) / 1000)  # a real poll would sleep the whole timeout
        return 1 if len(self.polls) > self.ready_after else 0


class _FakeChannel:
    def __init__(self, socket):
        self.socket = socket

    async def _recv(self):
        return {"msg_type": "execute_reply"}


def _get(channel, timeout):
    return asyncio.run(AsyncZMQSocketChannel.get_msg(channel, timeout=timeout))


def test_slices_bound_every_poll_and_return_the_message():
    install_shell_poll_slices(0.5)
    sock = _FakeSocket(ready_after=3)
    assert _get(_FakeChannel(sock), None) == {"msg_type": "execute_reply"}
    assert len(sock.polls) == 4 and all(ms is not None and ms <= 500 for ms in sock.polls)


def test_deadline_is_kept():
    install_shell_poll_slices(0.05)
    sock = _FakeSocket(ready_after=10**9)
    with pytest.raises(Empty):  # it returns at the deadline instead of waiting for ever
        _get(_FakeChannel(sock), 0.3)
    assert len(sock.polls) >= 2 and all(ms <= 50 for ms in sock.polls)
    install_shell_poll_slices()  # back to the default slice for the rest of the session


def test_negative_control_the_original_waits_in_one_poll():
    """Without the fix a call with no timeout is one unbounded poll: a missed wake-up is never re-checked."""
    original = AsyncZMQSocketChannel.get_msg._course_lib_original
    sock = _FakeSocket(ready_after=0)
    asyncio.run(original(_FakeChannel(sock), timeout=None))
    assert sock.polls == [None]


def test_idempotent_and_validated():
    install_shell_poll_slices()
    first = AsyncZMQSocketChannel.get_msg
    install_shell_poll_slices()
    assert AsyncZMQSocketChannel.get_msg is first
    with pytest.raises(ValueError, match="slice_s"):
        install_shell_poll_slices(0)
