"""Minutes commands: signoff, amend, export minutes, verify."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from reviewtui.cli.access import restricted_ok
from reviewtui.cli.context import CliContext, fail

pass_ctx = click.make_pass_decorator(CliContext)


def register(group: click.Group) -> None:
    group.add_command(signoff)
    group.add_command(amend)
    group.add_command(verify)
    # `export` may be shared with other areas' modules: join the group if it is already there.
    export = group.commands.get("export")
    if not isinstance(export, click.Group):
        export = export_group
        group.add_command(export)
    export.add_command(export_minutes)


def _facilitator_only(ctx: CliContext, what: str) -> None:
    if ctx.settings.role != "facilitator":
        fail(f"this session is {ctx.settings.role}: only a facilitator can {what}")


def _parse_when(text: str | None) -> datetime | date | None:
    """A time, or a day alone (YYYY-MM-DD: the date of an email, any time that day)."""
    if not text:
        return None
    from reviewtui.domain import clock
    from reviewtui.domain.text import date_problem

    try:
        if len(text.strip()) == 10:
            return date.fromisoformat(text.strip())
    except ValueError:
        fail(f"--at {text!r}: not a date (examples: 2026-10-03, 2026-10-03T14:30)")
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: not a date or time (examples: 2026-10-03, 2026-10-03T14:30)",
            param_hint="'--at'",
        ) from None
    if (wrong := date_problem(dt.date())) is not None:
        raise click.BadParameter(wrong, param_hint="'--at'")
    return clock.aware(dt)


@restricted_ok  # a vendor session may sign its own side (checked in record_signoff)
@click.command()
@click.argument("meeting", type=int)
@click.option("--name", required=True, help="The signatory's name.")
@click.option("--org", "organisation", default="", help="Their organisation.")
@click.option("--role", default="", help="Their role, e.g. Account Manager.")
@click.option(
    "--side",
    required=True,
    type=click.Choice(["client", "vendor"]),
    help="Which side they sign for.",
)
@click.option(
    "--method",
    default="in_meeting",
    show_default=True,
    type=click.Choice(["in_meeting", "typed", "written"]),
    help="in_meeting: signed at the meeting; typed: typed their name; written: a written "
    "acknowledgement such as an email.",
)
@click.option(
    "--at",
    "at",
    metavar="WHEN",
    help="When they signed: YYYY-MM-DD (e.g. the date of the email; the meeting's own day "
    "counts) or YYYY-MM-DDTHH:MM. Default: now.",
)
@pass_ctx
def signoff(
    ctx: CliContext,
    meeting: int,
    name: str,
    organisation: str,
    role: str,
    side: str,
    method: str,
    at: str | None,
) -> None:
    """Record a signatory of MEETING's minutes.

    With at least one signatory per side the minutes are signed off: frozen as canonical JSON
    with its SHA-256, and the meeting becomes read-only (change it with `reviewtui amend`).
    """
    from reviewtui.db.signoff import record_signoff

    if not (ctx.settings.role == "vendor" and side == "vendor"):
        _facilitator_only(ctx, "record sign-offs (a vendor session: its own side only)")
    when = _parse_when(at)
    with ctx.db.session() as s:
        result = record_signoff(
            meeting,
            session=s,
            name=name,
            organisation=organisation,
            role=role,
            side=side,
            method=method,
            signed_at=when,
            settings=ctx.settings,
        )
    click.echo(f"recorded {name} ({side}) for meeting {meeting}, revision {result.revision}")
    if result.signed_off:
        click.echo(f"signed off: minutes frozen, SHA-256 {result.sha256}")
    else:
        missing = " and ".join(result.missing_sides)
        click.echo(f"not signed off yet: needs a signatory from the {missing} side")


@click.command()
@click.argument("meeting", type=int)
@click.option(
    "--reason",
    required=True,
    metavar="TEXT",
    help="Why the signed minutes are amended (printed in the new revision).",
)
@pass_ctx
def amend(ctx: CliContext, meeting: int, reason: str) -> None:
    """Open a new revision of MEETING's signed-off minutes for changes.

    The signed revision stays stored and exportable (export minutes --revision N); the new
    one is editable, prints the reason, the SHA-256 of the revision it supersedes and what
    changed, and needs its own sign-off by both sides.
    """
    from reviewtui.db.signoff import amend as amend_minutes

    _facilitator_only(ctx, "amend minutes")
    with ctx.db.session() as s:
        rev = amend_minutes(meeting, session=s, reason=reason)
    click.echo(
        f"meeting {meeting}: revision {rev} is open for changes; revision {rev - 1} stays "
        "as signed. Sign the new revision with `reviewtui signoff`."
    )


@click.group("export")
def export_group() -> None:
    """Export records to files."""


@export_group.command("minutes")
@click.argument("meeting", type=int)
@click.option("--revision", type=int, help="A stored revision (default: the current one).")
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE",
    help="Where to write ('-' for standard output). Default: the exports folder, named "
    "minutes-<vendor>-<date>-r<revision>[-draft].<format>.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html", "md", "json"]),
    default=None,
    help="Default: from the output file's extension, else pdf.",
)
@click.option(
    "--unsigned",
    is_flag=True,
    help="A PDF of signed-off minutes without the organisation's digital signature.",
)
@pass_ctx
def export_minutes(
    ctx: CliContext,
    meeting: int,
    revision: int | None,
    output: str | None,
    fmt: str | None,
    unsigned: bool,
) -> None:
    """Export MEETING's minutes as PDF (PDF/A-3b with the minutes JSON attached), HTML,
    Markdown or the canonical JSON. Drafts carry a DRAFT watermark.

    The PDF of signed-off minutes is digitally signed with the organisation's key (see
    `reviewtui keys init`); without a key the export refuses, unless --unsigned is given.
    """
    from reviewtui.exports import files, prefork
    from reviewtui.exports.html import page_size_css

    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output and output != "-" else ""
        fmt = suffix if suffix in files.FORMATS else "pdf"
    if fmt != "pdf":
        prefork.discard_early()
    page_size_css(ctx.settings.page_size)  # a bad setting fails before any work
    if fmt == "pdf":
        # The renderer is forked before the database is touched (at the latest here; the
        # entry point forks it earlier still): the two start-ups overlap.
        with prefork.take_renderer() as renderer:
            view = _minutes_view(ctx, meeting, revision)
            data = render_pdf(ctx, view.document, renderer, sign=view.signed_off and not unsigned)
    else:
        view = _minutes_view(ctx, meeting, revision)
        data = files.render(view.document, fmt, page_size=ctx.settings.page_size)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = (
        Path(output)
        if output
        else ctx.settings.exports_path() / files.default_name(view.document, fmt)
    )
    files.write(data, path)
    state = "signed off" if view.signed_off else "DRAFT (not signed off)"
    if fmt == "pdf" and view.signed_off:
        state += ", digitally signed" if not unsigned else ", NOT digitally signed (--unsigned)"
    click.echo(f"{path}  (revision {view.revision}, {state}, SHA-256 {view.sha256})")


def render_pdf(ctx: CliContext, document, renderer, *, sign: bool) -> bytes:
    """The minutes PDF from ``renderer``, digitally signed with the organisation's key when
    ``sign`` (exit 1 naming `keys init` when there is none). Also used by `send minutes`."""
    from reviewtui.domain import clock

    key = _signing_key(ctx) if sign else None
    now = clock.now()
    signature = None
    if key is not None:
        from reviewtui.exports import signing

        signature = signing.line_for(key, now).as_context()
    renderer.submit(
        document, page_size=ctx.settings.page_size, generated_at=now, signature=signature
    )
    # Loading pyHanko and the key takes about as long as the child's rendering.
    signer = signing.Signer(key) if key is not None else None
    data = renderer.result()
    if signer is not None:
        data = signer.sign(data)
    return data


def _signing_key(ctx: CliContext):
    """The organisation's key for signing minutes, or exit 1 naming `keys init`."""
    from reviewtui import config
    from reviewtui.db import certificates
    from reviewtui.exports import keys, signing

    _facilitator_only(ctx, "sign minutes")
    with ctx.db.read() as s:
        registered = certificates.current_key(session=s)
    server = str(config.system_config_file())
    key = signing.resolve_key(ctx.settings.signing, registered, config_file=server)
    if key is None:
        fail(
            "no signing key for minutes: create one with `reviewtui keys init --org NAME "
            "--out PATH` (or export with --unsigned)"
        )
    cert = key.certificate
    if cert.expired():
        fail(
            f"the signing certificate {keys.pretty_fingerprint(cert.fingerprint)} expired on "
            f"{cert.not_after:%Y-%m-%d}: make a new key with `reviewtui keys init`"
        )
    if key.source != "keys init":
        # A company key from the server's config: registered too (public part only), so that
        # minutes signed with it still verify after the config moves on to another key.
        with ctx.db.session() as s:
            certificates.register(
                session=s,
                fingerprint=cert.fingerprint,
                subject=cert.subject,
                organisation=cert.organisation,
                certificate_pem=cert.pem,
                not_before=cert.not_before,
                not_after=cert.not_after,
                key_path=str(key.key_path),
                password_path=str(key.password_path),
                current=False,
            )
    return key


def _minutes_view(ctx: CliContext, meeting: int, revision: int | None):
    from reviewtui.db import minutes as minutes_q

    with ctx.db.read() as s:
        return minutes_q.get(meeting, session=s, revision=revision, settings=ctx.settings)


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--meeting", type=int, help="Check the database's record of MEETING alone.")
@click.option("--revision", type=int, help="With --meeting: a revision (default: the latest).")
@click.option("--no-db", is_flag=True, help="Check FILE alone, without the database.")
@pass_ctx
def verify(
    ctx: CliContext, file: Path | None, meeting: int | None, revision: int | None, no_db: bool
) -> None:
    """Prove signed-off minutes unchanged: `verify FILE.pdf` or `verify --meeting ID`.

    For a PDF: the digital signature must be valid, cover the whole file and come from a
    certificate registered in the database or trusted by the server's [signing]; then the
    attached minutes JSON is hashed and compared with the hash printed in the PDF and, when the
    database is reachable, with the stored sign-off. Exit 0 and "verified" when all agree;
    exit 1 with what differs.
    """
    if (file is None) == (meeting is None):
        raise click.UsageError("give a PDF file or --meeting ID (one of them)")
    if meeting is not None:
        _verify_meeting(ctx, meeting, revision)
    else:
        assert file is not None
        _verify_file(ctx, file, no_db)


def _verify_meeting(ctx: CliContext, meeting: int, revision: int | None) -> None:
    from reviewtui.db.signoff import check_meeting
    from reviewtui.domain import minutes as dm
    from reviewtui.exports.verify import summary

    with ctx.db.read() as s:
        check = check_meeting(meeting, session=s, revision=revision)
    _report(
        check.problems,
        ok=f"verified: {summary(dm.load(check.content))}; SHA-256 {check.sha256}"
        if check.ok and check.content
        else "",
        notes=check.notes,
        what=f"meeting {meeting}",
    )


def _verify_file(ctx: CliContext, path: Path, no_db: bool) -> None:
    from reviewtui.exports import verify as v

    if not path.is_file():
        fail(f"{path}: no such file")
    ev = v.read_pdf(path)
    problems = v.check_file(ev)
    notes: list[str] = []
    anchors = _config_anchors(ctx)
    db, why = (None, "--no-db was given") if no_db else _reachable_db(ctx)
    if db is None:
        notes.append(f"database not checked: {why}")
    else:
        from reviewtui.db import certificates
        from reviewtui.db.signoff import check_meeting

        try:
            with db.read() as s:
                certs = certificates.registered(session=s)
                check = None
                if ev.document is not None:
                    mt = ev.document["meeting"]
                    check = check_meeting(mt["id"], session=s, revision=mt["revision"])
        finally:
            db.dispose()
        anchors = v.TrustAnchors(
            anchors.fingerprints | {c.fingerprint for c in certs},
            anchors.ca_pems,
            (*anchors.sources, f"{len(certs)} certificate(s) registered in the database"),
        )
        if check is not None:
            if check.content is None:
                problems.extend(check.problems)
            else:
                problems.extend(v.check_against_database(ev, check.content, check.sha256))
                problems.extend(f"database: {p}" for p in check.problems)
                notes.extend(check.notes)
                if not problems:
                    notes.append("the database's sign-off record agrees")
    sig_problems, sig_notes = v.check_signature(ev, anchors)
    problems[:0] = sig_problems
    notes[:0] = sig_notes
    notes.append(
        "signer checked against: "
        + (
            "; ".join(anchors.sources)
            or "nothing (no database, no trusted_fingerprints or ca_file in the server's [signing])"
        )
    )
    ok = ""
    if ev.document is not None and not problems:
        ok = f"verified: {v.summary(ev.document)}; SHA-256 {ev.sha256}"
    _report(problems, ok=ok, notes=tuple(notes), what=str(path))


def _config_anchors(ctx: CliContext):
    """The fingerprints and CA certificates the server's ``[signing]`` trusts."""
    from reviewtui.exports import verify as v

    cfg = ctx.settings.signing
    fps = frozenset(f.replace(":", "").strip().lower() for f in cfg.get("trusted_fingerprints", []))
    cas: tuple[str, ...] = ()
    sources = []
    if fps:
        sources.append(f"{len(fps)} fingerprint(s) in the server's [signing]")
    if cfg.get("ca_file"):
        ca_path = Path(str(cfg["ca_file"])).expanduser()
        try:
            text = ca_path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"[signing] ca_file {ca_path}: cannot read it: {exc}")
        marker = "-----END CERTIFICATE-----"
        cas = tuple(part.strip() + "\n" + marker for part in text.split(marker) if part.strip())
        sources.append(f"the CA certificate(s) in {ca_path}")
    return v.TrustAnchors(fps, cas, tuple(sources))


def _reachable_db(ctx: CliContext):
    """The database when one is configured and can be opened, else (None, why)."""
    from reviewtui import config
    from reviewtui.db import open_database

    url = ctx.settings.db
    if (missing := ctx.missing_file()) is not None:
        return None, f"no database at {missing}"
    if not url:
        default = config.default_db_path()
        if not default.exists():
            return None, f"no database at {default} (give --db to check against one)"
        url = str(default)
    try:
        return open_database(url, user=ctx.settings.user), ""
    except Exception as exc:  # unreachable server, unreadable file, newer schema
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return None, f"cannot open {url}: {first}"


def _report(problems, *, ok: str, notes, what: str) -> None:
    for n in notes:
        click.echo(f"note: {n}")
    if problems:
        for p in problems:
            click.echo(f"differs: {p}")
        fail(f"{what} is NOT verified ({len(problems)} problem{'s' if len(problems) > 1 else ''})")
    click.echo(ok)
