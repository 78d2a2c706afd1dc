# SPDX-License-Identifier: MIT
# Type stubs for forkexec (the package's public API).
import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from subprocess import (CalledProcessError as CalledProcessError,
                        CompletedProcess as CompletedProcess,
                        SubprocessError as SubprocessError,
                        TimeoutExpired as TimeoutExpired)
from typing import IO, Any, Literal, Optional, Union

__version__: str

PIPE: int
STDOUT: int
DEVNULL: int

_Path = Union[str, bytes, os.PathLike[str], os.PathLike[bytes]]
_Cmd = Union[_Path, Sequence[_Path]]
_Stream = Union[None, int, IO[Any]]
_Id = Union[int, str]
_Namespace = Literal["user", "pid", "mount", "net", "uts", "ipc", "cgroup", "time"]
_Limit = Union[int, tuple[int, int]]
_IoClass = Union[int, Literal["none", "rt", "be", "idle"]]
_MountKind = Literal["bind", "ro-bind", "dev-bind", "tmpfs", "proc", "dev", "mqueue",
                     "dir", "symlink", "remount-ro"]
_Mount = Union[tuple[_MountKind, Optional[_Path], _Path],
               tuple[Literal["tmpfs"], None, _Path, int, int]]
_Names = Union[Iterable[str], tuple[Iterable[str], int]]

IOPRIO_CLASS_NONE: int
IOPRIO_CLASS_RT: int
IOPRIO_CLASS_BE: int
IOPRIO_CLASS_IDLE: int
SECCOMP_KILL: int

def library_version() -> str: ...

class SpawnError(OSError):
    step: str
    index: int
    subject: str
    message: str

class FileNotFoundSpawnError(SpawnError, FileNotFoundError): ...
class PermissionSpawnError(SpawnError, PermissionError): ...
class FileExistsSpawnError(SpawnError, FileExistsError): ...
class NotADirectorySpawnError(SpawnError, NotADirectoryError): ...
class IsADirectorySpawnError(SpawnError, IsADirectoryError): ...
class ProcessLookupSpawnError(SpawnError, ProcessLookupError): ...
class ChildProcessSpawnError(SpawnError, ChildProcessError): ...
class InterruptedSpawnError(SpawnError, InterruptedError): ...
class BlockingIOSpawnError(SpawnError, BlockingIOError): ...
class TimeoutSpawnError(SpawnError, TimeoutError): ...
class ConnectionSpawnError(SpawnError, ConnectionError): ...

def run(
    args: _Cmd,
    *,
    stdin: _Stream = ...,
    input: Optional[Union[bytes, str]] = ...,
    stdout: _Stream = ...,
    stderr: _Stream = ...,
    capture_output: bool = ...,
    shell: bool = ...,
    timeout: Optional[float] = ...,
    check: bool = ...,
    encoding: Optional[str] = ...,
    errors: Optional[str] = ...,
    text: Optional[bool] = ...,
    universal_newlines: Optional[bool] = ...,
    kill_group: bool = ...,
    wait_delay: Optional[float] = ...,
    # Attributes of the child.
    executable: Optional[_Path] = ...,
    cwd: Optional[_Path] = ...,
    env: Optional[Mapping[Union[str, bytes], Union[str, bytes]]] = ...,
    user: Optional[_Id] = ...,
    group: Optional[_Id] = ...,
    groups: Optional[Iterable[_Id]] = ...,
    extra_groups: Optional[Iterable[_Id]] = ...,
    setsid: bool = ...,
    start_new_session: bool = ...,
    process_group: Optional[int] = ...,
    umask: int = ...,
    pass_fds: Iterable[int] = ...,
    close_fds: bool = ...,
    restore_signals: bool = ...,
    chroot: Optional[_Path] = ...,
    pdeathsig: Optional[int] = ...,
    backend: Optional[Literal["clone", "fork"]] = ...,
    noctty: bool = ...,
    setctty: bool = ...,
    foreground: bool = ...,
    tty_fd: Optional[int] = ...,
    ptrace: bool = ...,
    clean_signals: bool = ...,
    sigmask: Optional[Iterable[int]] = ...,
    namespaces: Optional[Union[int, Iterable[_Namespace]]] = ...,
    uid_map: Optional[Iterable[tuple[int, int, int]]] = ...,
    gid_map: Optional[Iterable[tuple[int, int, int]]] = ...,
    setgroups: Optional[Literal["allow", "deny"]] = ...,
    map_root_user: bool = ...,
    ambient_caps: Optional[Iterable[int]] = ...,
    inheritable_caps: Optional[Iterable[int]] = ...,
    drop_caps: Optional[Iterable[int]] = ...,
    cgroup: Optional[Union[int, _Path]] = ...,
    rlimits: Optional[Mapping[int, _Limit]] = ...,
    no_new_privs: bool = ...,
    nice: Optional[int] = ...,
    nice_adjust: Optional[int] = ...,
    ioprio: Optional[tuple[_IoClass, int]] = ...,
    securebits: Optional[int] = ...,
    time_offsets: Optional[Mapping[int, float]] = ...,
    mount_proc: Optional[_Path] = ...,
    sched: Optional[tuple[int, int]] = ...,
    sched_deadline: Optional[tuple[int, int, int]] = ...,
    cpus: Optional[Iterable[int]] = ...,
    seccomp: Optional[bytes] = ...,
    seccomp_deny: Optional[_Names] = ...,
    seccomp_allow: Optional[_Names] = ...,
    mounts: Optional[Iterable[_Mount]] = ...,
    hostname: Optional[str] = ...,
    landlock: Optional[Mapping[str, Any]] = ...,
    join: Optional[tuple[Union[int, "Process"], Union[int, Iterable[_Namespace]]]] = ...,
) -> subprocess.CompletedProcess[Any]: ...

def call(args: _Cmd, *, timeout: Optional[float] = ..., **kwargs: Any) -> int: ...
def check_call(args: _Cmd, **kwargs: Any) -> int: ...
def check_output(args: _Cmd, *, timeout: Optional[float] = ..., **kwargs: Any) -> Any: ...

class Process:
    args: _Cmd
    pid: int
    returncode: Optional[int]
    stdin: Optional[IO[Any]]
    stdout: Optional[IO[Any]]
    stderr: Optional[IO[Any]]
    @property
    def pidfd(self) -> int: ...
    def fileno(self) -> int: ...
    def poll(self) -> Optional[int]: ...
    def wait(self, timeout: Optional[float] = ...) -> int: ...
    def send_signal(self, sig: int) -> None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...
    def communicate(self, input: Optional[Union[bytes, str]] = ...,
                    timeout: Optional[float] = ...) -> tuple[Any, Any]: ...
    def __enter__(self) -> "Process": ...
    def __exit__(self, *exc: Any) -> None: ...

def spawn(
    args: _Cmd,
    *,
    stdin: _Stream = ...,
    stdout: _Stream = ...,
    stderr: _Stream = ...,
    shell: bool = ...,
    bufsize: int = ...,
    text: Optional[bool] = ...,
    encoding: Optional[str] = ...,
    errors: Optional[str] = ...,
    universal_newlines: Optional[bool] = ...,
    **attrs: Any,
) -> Process: ...

def wait_any(processes: Iterable[Process], timeout: Optional[float] = ...) -> Optional[Process]: ...
