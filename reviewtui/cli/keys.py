"""The organisation's signing key: ``keys init`` and ``keys show``.

Facilitators only (restricted sessions never reach these commands, and the database refuses
them the key's location anyway). The private key is written to a PKCS#12 file with a password
file beside it, both 0600, never into the database and never implicitly.
"""

from __future__ import annotations

from pathlib import Path

import click

from reviewtui.cli.context import CliContext, fail

pass_ctx = click.make_pass_decorator(CliContext)


def register(group: click.Group) -> None:
    group.add_command(keys_group)


def create_registered(ctx: CliContext, organisation: str, out: Path, *, audited: bool = True):
    """Create a key file and certificate at ``out`` and register the certificate (never the key);
    return the certificate's info and the password file. Nothing half-made: a key whose
    registration fails is removed again. ``audited=False`` for the demo's seeding."""
    from reviewtui.db import certificates
    from reviewtui.exports import keys

    info, pw_path = keys.create(organisation, out)
    try:
        with ctx.db.session() as s:
            if not audited:
                s.info["no_changelog"] = True
            certificates.register(
                session=s,
                fingerprint=info.fingerprint,
                subject=info.subject,
                organisation=info.organisation,
                certificate_pem=info.pem,
                not_before=info.not_before,
                not_after=info.not_after,
                key_path=str(out),
                password_path=str(pw_path),
            )
    except BaseException:
        out.unlink(missing_ok=True)
        pw_path.unlink(missing_ok=True)
        raise
    return info, pw_path


@click.group("keys")
def keys_group() -> None:
    """The organisation's key for digitally signing minutes PDFs."""


@keys_group.command("init")
@click.option("--org", "organisation", required=True, help="The organisation's name.")
@click.option(
    "--out",
    "out",
    required=True,
    metavar="PATH",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The PKCS#12 key file to create (its password goes to PATH.password). Keep it outside "
    "the database's folder if that is shared; never overwritten.",
)
@pass_ctx
def init(ctx: CliContext, organisation: str, out: Path) -> None:
    """Create a key and self-signed certificate for signing minutes, and register it.

    Run again with a new --out to rotate the key: the old certificate stays registered, so
    minutes signed with it still verify.
    """
    if ctx.settings.role != "facilitator":
        fail(f"this session is {ctx.settings.role}: only a facilitator can make the signing key")
    out = out.expanduser().absolute()
    info, pw_path = create_registered(ctx, organisation, out)
    click.echo(f"key:         {out} (mode 0600)")
    click.echo(f"password:    {pw_path} (mode 0600)")
    _print_certificate(info)
    click.echo(
        "Publish this fingerprint where vendors can find it: it is how they check signed minutes."
    )


@keys_group.command("show")
@pass_ctx
def show(ctx: CliContext) -> None:
    """Print the signing certificate in use, its fingerprint, and the older ones still trusted."""
    from reviewtui import config
    from reviewtui.db import certificates
    from reviewtui.exports import keys, signing

    if ctx.settings.role != "facilitator":
        fail(f"this session is {ctx.settings.role}: only a facilitator can see the signing key")
    with ctx.db.read() as s:
        current = certificates.current_key(session=s)
        rows = certificates.registered(session=s)
    key = signing.resolve_key(
        ctx.settings.signing, current, config_file=str(config.system_config_file())
    )
    if key is None:
        fail("no signing key: create one with `reviewtui keys init --org NAME --out PATH`")
    click.echo(f"in use:      {key.key_path} ({key.source})")
    _print_certificate(key.certificate)
    older = [r for r in rows if r.fingerprint != key.certificate.fingerprint]
    if older:
        click.echo("also registered (minutes signed with these still verify):")
        for r in older:
            state = "expired" if keys.info_from_pem(r.certificate_pem).expired() else "valid"
            click.echo(
                f"  {keys.pretty_fingerprint(r.fingerprint)}  {r.subject}  "
                f"registered {r.registered_at:%Y-%m-%d}, {state} until {r.not_after:%Y-%m-%d}"
            )


def _print_certificate(info) -> None:
    from reviewtui.exports import keys

    state = "EXPIRED" if info.expired() else "valid"
    click.echo(f"certificate: {info.subject}")
    click.echo(f"issuer:      {info.issuer}{' (self-signed)' if info.self_signed else ''}")
    click.echo(f"valid:       {info.not_before:%Y-%m-%d} to {info.not_after:%Y-%m-%d} ({state})")
    click.echo(f"SHA-256:     {keys.pretty_fingerprint(info.fingerprint)}")
    click.echo(info.pem.rstrip())
