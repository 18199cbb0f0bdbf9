"""What every command shares: the --file option, error reporting, loading, --as-of and assessment."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from zibo_cli.cli.completion import complete_goal_ids
from zibo_cli.environment import Environment
from zibo_cli.errors import ExitCode, ZiboError
from zibo_cli.i18n import tr

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
GoalArgument = Annotated[
    str,
    typer.Argument(help="Goal id, id prefix, or a unique part of its name.", autocompletion=complete_goal_ids),
]
OutputOption = Annotated[
    str | None,
    typer.Option("--output", "-o", metavar="PATH", help="Write to PATH atomically (- or none: stdout)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang", metavar="zh|en", help="Language of tables, messages and reports (also before the command name)."
    ),
]


class State:
    """Per-invocation state: the environment, and options given before the command name."""

    def __init__(self, env: Environment | None = None) -> None:
        self.env = env or Environment()
        self.file: str | None = None
        self.verbose = False
        self.lang: str | None = None


def state_of(ctx: typer.Context) -> State:
    if not isinstance(ctx.obj, State):
        ctx.obj = State()
    return ctx.obj


def one_line(text: str) -> str:
    """A problem as one line (`check` prints one per line), safe for a terminal: problems quote keys
    and ids from the file, which may hold escapes and newlines."""
    from zibo_cli.render.text import clean

    return clean(text).replace("\n", "\\n").replace("\t", " ")


def report_error(env: Environment, error: ZiboError) -> None:
    """The message, then its hint indented; text quoted from the file is cleaned of escapes.

    A message may span lines on purpose (an import lists its bad rows), so newlines are kept.
    """
    from zibo_cli.render.text import clean

    lines = error.lines()
    env.stderr.write(f"zibo: {clean(lines[0])}\n")
    for line in lines[1:]:
        env.stderr.write(f"  {clean(line)}\n")
    env.stderr.flush()


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a ZiboError into its message on stderr and its exit code: never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        ctx = kwargs.get("ctx")
        state = state_of(ctx) if hasattr(ctx, "obj") else State()
        env = state.env
        lang = kwargs.pop("lang", None)  # --lang after the command name, as --file is taken there
        if lang is not None:
            state.lang = str(lang)
        try:
            use_language(state)
            return command(*args, **kwargs)
        except ZiboError as error:
            report_error(env, error)
            raise typer.Exit(int(error.exit_code)) from None
        except KeyboardInterrupt:
            env.stderr.write("zibo: " + tr("interrupted; nothing was written.") + "\n")
            raise typer.Exit(130) from None
        except BrokenPipeError:  # the reader went away (`| head`): nothing to say, click's exit code
            raise typer.Exit(1) from None
        except OSError as error:  # writing the output failed (`> /dev/full`); files are the store's to report
            report_error(env, ZiboError(output_error(error)))
            raise typer.Exit(int(ExitCode.REFUSED)) from None

    wrapper.__signature__ = _with_lang(command)  # type: ignore[attr-defined]
    return wrapper


def _with_lang(command: Callable[..., Any]) -> inspect.Signature:
    """The command's signature with a --lang option last, so Typer parses `zibo status --lang zh` too."""
    signature = inspect.signature(command, eval_str=True)
    lang = inspect.Parameter("lang", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=LangOption)
    return signature.replace(parameters=[*signature.parameters.values(), lang])


def known_category(category: str | None, categories: Iterable[str | None]) -> str | None:
    """The category as the file writes it (a Chinese reader may give 经济 for economy); refuse an unknown
    one, naming the file's categories and the nearest."""
    if category is None:
        return None
    import difflib

    from zibo_cli.render.text import category_label

    known = sorted({c for c in categories if c})
    if category in known:
        return category
    by_label = {category_label(c): c for c in known}
    if category in by_label:
        return by_label[category]
    choices = ", ".join(
        c if category_label(c) == c else tr("{value} ({label})", value=c, label=category_label(c)) for c in known
    )
    close = difflib.get_close_matches(category.strip().lower(), known, n=1, cutoff=0.5)
    if not known:
        hint = tr("The file has no categories.")
    elif close:
        hint = tr("Did you mean {suggestion}? Categories: {choices}.", suggestion=close[0], choices=choices)
    else:
        hint = tr("Categories: {choices}.", choices=choices)
    raise ZiboError(tr("--category {value!r} is not a category in the file.", value=category), hint)


def output_error(error: OSError) -> str:
    from zibo_cli.errors import plain_reason

    return tr("the output could not be written: {reason}.", reason=plain_reason(error))


def use_language(state: State) -> None:
    from zibo_cli.i18n import LANGUAGES, resolve_language, set_language

    try:
        set_language(resolve_language(state.lang, state.env.variables))
    except ValueError as error:
        set_language("en")
        raise ZiboError(
            f"language {error} is not one zibo speaks.", f"Use one of: {', '.join(LANGUAGES)} (--lang or ZIBO_LANG)."
        ) from None


def parse_day(text: str, option: str) -> dt.date:
    from zibo_cli.core.dates import RANGE_HINT, in_range

    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ZiboError(
            tr("{option} {text!r} is not a date.", option=option, text=text),
            tr("Write it as YYYY-MM-DD, e.g. {option} 2025-12-31.", option=option),
        ) from None
    if not in_range(day):
        raise ZiboError(tr("{option} {text!r} is out of range.", option=option, text=text), tr(RANGE_HINT))
    return day


def as_of_day(state: State, as_of: str | None) -> dt.date:
    # An empty --as-of (say, from an unset shell variable) is refused, not read as "today".
    if as_of is not None:
        return parse_day(as_of, "--as-of")
    from zibo_cli.core.dates import RANGE_HINT, in_range

    today = state.env.today()
    if not in_range(today):
        raise ZiboError(tr("today ({day}) is out of range.", day=today.isoformat()), tr(RANGE_HINT))
    return today


def location_for(state: State, file: str | None) -> Any:
    from zibo_cli.store.locate import display_path, locate

    chosen = file if file is not None else state.file
    if chosen is not None and not chosen.strip():
        # `-f "$GOALS"` with GOALS unset must not fall back to another file and write there.
        raise ZiboError(tr("--file is empty."), tr("Give the path of a goals file, or leave --file out."))
    location = locate(chosen, state.env.variables, state.env.cwd)
    if state.verbose:
        where = tr("using {path} ({origin})", path=display_path(location.path), origin=tr(location.origin))
        state.env.stderr.write(f"zibo: {where}\n")
    return location


def load_for(state: State, file: str | None, location: Any = None) -> Any:
    """The whole goals file, validated (store/load.py); pass `location` if it was already found."""
    from zibo_cli.store.load import load

    loaded = load(location or location_for(state, file), state.env.today(), cache_of(state))
    _KEPT.append(loaded)
    return loaded


# What a command loaded stays referenced until the process ends: the console script exits with
# os._exit, and freeing 100,000 figures one by one when the command returns would cost ~60 ms for nothing.
_KEPT: list[Any] = []


def head_for(state: State, file: str | None) -> Any:
    """The file's goals and sources, with any one goal's figures on demand (`figures`); close it after."""
    from zibo_cli.store.load import load_head

    return load_head(location_for(state, file), state.env.today(), cache_of(state))


def cache_of(state: State) -> Any:
    """The per-user cache (store/cache.py), or None under ZIBO_NO_CACHE=1: the store's to use, not a command's."""
    from zibo_cli.store.locate import cache_for

    return cache_for(state.env.variables)


def dump_json(state: State, document: Any) -> None:
    import json

    state.env.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def footer(state: State, loaded: Any, as_of: dt.date | None = None) -> str:
    parts = [tr("file: {path} ({origin})", path=loaded.label, origin=tr(loaded.location.origin))]
    if as_of is not None:
        parts.insert(0, tr("as of {date}", date=as_of.isoformat()))
    return " · ".join(parts)


def fail(message: str, hint: str | None = None, code: ExitCode = ExitCode.REFUSED) -> ZiboError:
    return ZiboError(message, hint, code)
