"""What every command shares: the --file option, error reporting, loading, --as-of and assessment."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from zibo_cli.environment import Environment
from zibo_cli.errors import ExitCode, ZiboError

P = ParamSpec("P")
R = TypeVar("R")

FileOption = Annotated[
    str | None,
    typer.Option(
        "--file",
        "-f",
        metavar="PATH",
        help="Goals file to use (else $ZIBO_FILE, ./goals.toml, the user's file, the bundled dataset).",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="DATE", help="Compute as of this day (YYYY-MM-DD); only figures dated by then count."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]


class State:
    """Per-invocation state: the environment, and options given before the command name."""

    def __init__(self, env: Environment | None = None) -> None:
        self.env = env or Environment()
        self.file: str | None = None
        self.verbose = False


def state_of(ctx: typer.Context) -> State:
    if not isinstance(ctx.obj, State):
        ctx.obj = State()
    return ctx.obj


def report_error(env: Environment, error: ZiboError) -> None:
    lines = error.lines()
    env.stderr.write(f"zibo: {lines[0]}\n")
    for line in lines[1:]:
        env.stderr.write(f"  {line}\n")
    env.stderr.flush()


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a ZiboError into its message on stderr and its exit code: never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        ctx = kwargs.get("ctx")
        env = state_of(ctx).env if isinstance(ctx, typer.Context) else Environment()
        try:
            return command(*args, **kwargs)
        except ZiboError as error:
            report_error(env, error)
            raise typer.Exit(int(error.exit_code)) from None
        except KeyboardInterrupt:
            env.stderr.write("zibo: interrupted; nothing was written.\n")
            raise typer.Exit(130) from None

    return wrapper


def parse_day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ZiboError(
            f"{option} {text!r} is not a date.", f"Write it as YYYY-MM-DD, e.g. {option} 2025-12-31."
        ) from None


def as_of_day(state: State, as_of: str | None) -> dt.date:
    return parse_day(as_of, "--as-of") if as_of else state.env.today()


def location_for(state: State, file: str | None) -> Any:
    from zibo_cli.store.locate import locate

    return locate(file or state.file, state.env.variables, state.env.cwd)


def load_for(state: State, file: str | None) -> Any:
    from zibo_cli.store.read import load

    location = location_for(state, file)
    return load(location, state.env.today(), cache_of(state))


def cache_of(state: State) -> Any:
    """The per-user parse cache (store/cache.py), or None under ZIBO_NO_CACHE=1."""
    from zibo_cli.store.cache import cache_for

    return cache_for(state.env.variables)


def dump_json(state: State, document: Any) -> None:
    import json

    state.env.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def footer(state: State, loaded: Any, as_of: dt.date | None = None) -> str:
    parts = [f"file: {loaded.label} ({loaded.location.origin})"]
    if as_of is not None:
        parts.insert(0, f"as of {as_of.isoformat()}")
    return " · ".join(parts)


def fail(message: str, hint: str | None = None, code: ExitCode = ExitCode.REFUSED) -> ZiboError:
    return ZiboError(message, hint, code)
