"""The minutes of a meeting: preview (rendered Markdown), sign-off, amendment, export.

Reached from a vendor's page (``m``: the latest meeting that took place) or through
``app.open_minutes(meeting_id)``; ``[`` and ``]`` move to the vendor's previous and next meeting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Label, Markdown, Select, Static

from reviewtui.appref import review_app
from reviewtui.db import certificates
from reviewtui.db import mail as mail_q
from reviewtui.db import minutes as minutes_q
from reviewtui.db.errors import UserError
from reviewtui.db.signoff import amend, check_meeting, record_signoff
from reviewtui.domain import clock, enums
from reviewtui.screens.meeting_modals import PromptModal
from reviewtui.screens.reads import read_worker, show_newest
from reviewtui.widgets.footer import Footer


def _parser():
    from markdown_it import MarkdownIt

    # CommonMark with tables; no raw HTML and no auto-linking of text that looks like a URL.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def minutes_pdf(db, settings, document, *, signed_off: bool) -> tuple[bytes, str]:
    """The minutes PDF as the app exports and mails it: signed-off minutes exported by a
    facilitator are digitally signed with the organisation's key (UserError naming `keys init`
    when there is none); returns the bytes and a note for the user. Runs in a worker."""
    from reviewtui import config
    from reviewtui.exports import pdf, signing

    facilitator = settings.role == "facilitator"
    key, note = None, ""
    if signed_off and facilitator:
        with db.read() as s:
            registered = certificates.current_key(session=s)
        key = signing.resolve_key(
            settings.signing, registered, config_file=str(config.system_config_file())
        )
        if key is None:
            raise UserError(
                "no signing key for minutes: a facilitator creates one with "
                "`reviewtui keys init --org NAME --out PATH`"
            )
    elif signed_off:
        note = " (not digitally signed: only a facilitator's export is)"
    now = clock.now()
    line = signing.line_for(key, now).as_context() if key is not None else None
    data = pdf.render(document, page_size=settings.page_size, generated_at=now, signature=line)
    if key is not None:
        data = signing.Signer(key).sign(data)
    return data, note


def sent_line(rows) -> str:
    """``Mailed: revision 1 to 5 people, last 2026-11-28 09:00 by jane`` ('' when never)."""
    if not rows:
        return ""
    by_rev: dict[tuple[int | None, bool], set[str]] = {}
    for r in rows:
        by_rev.setdefault((r.revision, r.draft), set()).add(r.recipient)
    parts = [
        f"revision {rev}{' (draft)' if draft else ''} to {len(who)} "
        f"{'person' if len(who) == 1 else 'people'}"
        for (rev, draft), who in sorted(by_rev.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1]))
    ]
    last = rows[-1]
    return (
        f"Mailed: {'; '.join(parts)}; last {last.at.astimezone():%Y-%m-%d %H:%M} by "
        f"{last.sent_by or 'someone'} (Message-ID {last.message_id})"
    )


@dataclass(frozen=True)
class SignatoryInput:
    """What the sign-off form returns."""

    name: str
    organisation: str
    role: str
    side: str
    method: str
    #: The day they signed, when not today (a written acknowledgement that came later).
    signed_on: date | None = None


@dataclass(frozen=True)
class _Loaded:
    meeting_id: int
    vendor_id: int
    vendor: str
    revision: int
    status: str
    sha256: str
    markdown: str
    attendees: tuple[tuple[str, str, str, str], ...]  # name, organisation, role, side
    previous_id: int | None
    next_id: int | None
    sent: str = ""  # who got which revision by mail, one line


class MinutesScreen(Screen):
    """Preview a meeting's minutes; sign off, amend or export them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "sign_off", "Sign off", id="minutes.sign_off"),
        Binding("e", "export", "Export PDF", id="minutes.export"),
        Binding("A", "amend", "Amend", id="minutes.amend"),
        Binding("M", "send_mail", "Send to attendees", id="minutes.send_mail"),
        Binding("v", "verify", "Verify", id="minutes.verify", show=False),
        Binding("left_square_bracket", "previous", "Previous", id="minutes.previous"),
        Binding("right_square_bracket", "next", "Next", id="minutes.next"),
        Binding("r", "refresh", "Refresh", id="minutes.refresh", show=False),
        Binding("q", "back", "Back", id="minutes.back"),
        Binding("escape", "back", "Back", show=False, id="minutes.back_esc"),
    ]

    CSS_PATH = "minutes.tcss"

    def __init__(self, meeting_id: int | None = None, *, vendor_id: int | None = None) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.vendor_id = vendor_id
        self.loaded: _Loaded | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the minutes…", id="minutes-status")
        with VerticalScroll(id="minutes-body"):
            yield Markdown("", id="minutes-md", parser_factory=_parser, open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @read_worker
    def load(self) -> None:
        from reviewtui.exports import markdown

        app = review_app(self)
        try:
            with app.db.read() as s:
                mid = self.meeting_id
                if mid is None and self.vendor_id is not None:
                    mid = minutes_q.default_meeting(self.vendor_id, session=s)
                if mid is None:
                    app.call_from_thread(self._empty)
                    return
                view = minutes_q.get(mid, session=s, settings=app.settings)
                refs = minutes_q.vendor_meetings(view.document["vendor"]["id"], session=s)
                sent = sent_line(mail_q.sendings(mid, session=s, kinds=("minutes",)))
        except UserError as exc:
            app.call_from_thread(self._failed, str(exc))
            return
        ids = [r.id for r in refs]
        at = ids.index(mid) if mid in ids else -1
        doc = view.document
        loaded = _Loaded(
            meeting_id=mid,
            vendor_id=doc["vendor"]["id"],
            vendor=doc["vendor"]["name"],
            revision=view.revision,
            status=view.status,
            sha256=view.sha256,
            markdown=markdown.render(doc, sha256=view.sha256),
            attendees=tuple(
                (a["name"], a["organisation"], a["role"], a["side"])
                for a in doc.get("attendance", [])
                if a["status"] == "present"
            ),
            previous_id=ids[at - 1] if at > 0 else None,
            next_id=ids[at + 1] if 0 <= at < len(ids) - 1 else None,
            sent=sent,
        )
        show_newest(self, self._show, loaded)

    def _empty(self) -> None:
        self.query_one("#minutes-status", Static).update("This vendor has no meetings yet.")

    def _failed(self, message: str) -> None:
        self.query_one("#minutes-status", Static).update(Text(message, style="red"))

    def _show(self, d: _Loaded) -> None:
        self.loaded = d
        self.meeting_id = d.meeting_id
        self.sub_title = f"Minutes · {d.vendor}"
        if d.status == "signed_off":
            state = f"[b green]SIGNED OFF[/] revision {d.revision} · SHA-256 {d.sha256[:16]}…"
            hint = "e export · A amend · v verify"
        else:
            state = f"[b red]DRAFT[/] revision {d.revision}: not signed off"
            hint = "s record a signatory · e export"

        mailed = f"\n[dim]{escape(d.sent)}[/dim]" if d.sent else ""
        self.query_one("#minutes-status", Static).update(
            f"Meeting {d.meeting_id} · {state}{mailed}\n"
            f"[dim]{hint} · M send to attendees · [ ] previous/next meeting[/dim]"
        )
        self.query_one("#minutes-md", Markdown).update(d.markdown)
        self.refresh_bindings()

    # --- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer signing on drafts and amending on signed-off minutes (the footer follows)."""
        signed = self.loaded is not None and self.loaded.status == "signed_off"
        if action == "sign_off":
            return not signed
        if action == "amend":
            return signed
        return True

    def _facilitator(self, what: str) -> bool:
        role = review_app(self).settings.role
        if role != "facilitator":
            self.notify(f"This session is {role}: only a facilitator can {what}.", severity="error")
            return False
        return True

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_previous(self) -> None:
        if self.loaded and self.loaded.previous_id is not None:
            self.meeting_id = self.loaded.previous_id
            self.load()
        else:
            self.notify("This is the vendor's first meeting.")

    def action_next(self) -> None:
        if self.loaded and self.loaded.next_id is not None:
            self.meeting_id = self.loaded.next_id
            self.load()
        else:
            self.notify("This is the vendor's last meeting.")

    def action_sign_off(self) -> None:
        d = self.loaded
        if d is None:
            return
        if d.status == "signed_off":
            self.notify(
                f"Revision {d.revision} is already signed off; press A to amend it.",
                severity="warning",
            )
            return
        if not self._facilitator("record sign-offs"):
            return

        def _done(result: SignatoryInput | None) -> None:
            if result is not None:
                self._record(d.meeting_id, result)

        self.app.push_screen(SignOffScreen(d.attendees), _done)

    @work(thread=True, group="write", exit_on_error=False)
    def _record(self, meeting_id: int, who: SignatoryInput) -> None:
        app = review_app(self)
        try:
            with app.db.session() as s:
                result = record_signoff(
                    meeting_id,
                    session=s,
                    name=who.name,
                    organisation=who.organisation,
                    role=who.role,
                    side=who.side,
                    method=who.method,
                    signed_at=who.signed_on,
                    settings=app.settings,
                )
        except UserError as exc:
            app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        if result.signed_off:
            msg = f"Signed off: both sides have signed revision {result.revision}."
        else:
            msg = f"Recorded {who.name}; still needs the {' and '.join(result.missing_sides)} side."
        app.call_from_thread(self.notify, msg, markup=False)
        app.call_from_thread(self.load)

    def action_amend(self) -> None:
        d = self.loaded
        if d is None:
            return
        if d.status != "signed_off":
            self.notify("These minutes are a draft: they can be edited as they are.")
            return
        if not self._facilitator("amend minutes"):
            return

        def _reason(text: str | None) -> None:
            if text:
                self._amend(d.meeting_id, text)

        self.app.push_screen(
            PromptModal(
                f"Why amend the signed-off minutes of meeting {d.meeting_id}? Revision "
                f"{d.revision} stays stored as signed; revision {d.revision + 1} prints this "
                "reason and what changed, and needs its own sign-off by both sides.",
                placeholder="e.g. the vendor's attendance was recorded wrongly",
            ),
            _reason,
        )

    @work(thread=True, group="write", exit_on_error=False)
    def _amend(self, meeting_id: int, reason: str) -> None:
        app = review_app(self)
        try:
            with app.db.session() as s:
                rev = amend(meeting_id, session=s, reason=reason)
        except UserError as exc:
            app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        app.call_from_thread(self.notify, f"Revision {rev} is open for changes.")
        app.call_from_thread(self.load)

    def action_export(self) -> None:
        if self.loaded is not None:
            self.notify("Exporting the PDF…", timeout=2)
            self._export(self.loaded.meeting_id)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, meeting_id: int) -> None:
        from reviewtui.exports import files

        app = review_app(self)
        db, settings = app.db, app.settings
        try:
            with db.read() as s:
                view = minutes_q.get(meeting_id, session=s, settings=settings)
            data, note = minutes_pdf(db, settings, view.document, signed_off=view.signed_off)
            path = files.write(
                data, settings.exports_path() / files.default_name(view.document, "pdf")
            )
        except (UserError, OSError) as exc:
            app.call_from_thread(
                self.notify, f"Export failed: {exc}", severity="error", markup=False
            )
            return
        app.call_from_thread(self.notify, f"Saved {path}{note}", timeout=8, markup=False)

    def action_send_mail(self) -> None:
        if self.loaded is not None and self._facilitator("send minutes"):
            self.notify("Finding the recipients…", timeout=2)
            self._plan_mail(self.loaded.meeting_id, self.loaded.status != "signed_off")

    @work(thread=True, exclusive=True, group="mail-plan", exit_on_error=False)
    def _plan_mail(self, meeting_id: int, draft: bool) -> None:
        from reviewtui.mail import minutes as mm

        app = review_app(self)
        try:
            plan = mm.plan(app.db, app.settings, meeting_id, draft=draft)
        except UserError as exc:
            app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        if not plan.recipients:
            app.call_from_thread(
                self.notify,
                f"Revision {plan.revision} went to all {len(plan.already)} recipients already "
                f"(reviewtui send minutes {meeting_id} --again sends it again).",
                markup=False,
                timeout=8,
            )
            return
        app.call_from_thread(self._confirm_mail, plan)

    def _confirm_mail(self, plan) -> None:
        from reviewtui.screens.send_mail import SendMinutesModal

        def _closed(sent: bool | None) -> None:
            if sent:
                self.load()

        self.app.push_screen(SendMinutesModal(plan), _closed)

    def action_verify(self) -> None:
        if self.loaded is not None:
            self._verify(self.loaded.meeting_id)

    @work(thread=True, exclusive=True, group="verify", exit_on_error=False)
    def _verify(self, meeting_id: int) -> None:
        app = review_app(self)
        with app.db.read() as s:
            check = check_meeting(meeting_id, session=s)
        if check.ok:
            msg, sev = f"Verified: revision {check.revision}, SHA-256 {check.sha256}", "information"
        else:
            msg, sev = "NOT verified: " + "; ".join(check.problems), "error"
        app.call_from_thread(self.notify, msg, severity=sev, timeout=10, markup=False)


class SignOffScreen(ModalScreen[SignatoryInput | None]):
    """Record one signatory: pick an attendee or type a name; side and method."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="signoff.save"),
        Binding("ctrl+g", "cancel", "Cancel", id="signoff.cancel"),
    ]

    def __init__(self, attendees: tuple[tuple[str, str, str, str], ...] = ()) -> None:
        super().__init__()
        self.attendees = attendees

    def compose(self) -> ComposeResult:
        with Vertical(id="signoff-form", classes="modal-box"):
            yield Label("Record a signatory", classes="title")
            if self.attendees:
                with Horizontal(classes="row"):
                    yield Label("Attendee")
                    yield Select(
                        [
                            (f"{n} ({side}, {org})", i)
                            for i, (n, org, _r, side) in enumerate(self.attendees)
                        ],
                        prompt="pick one, or type below",
                        id="attendee",
                        compact=True,
                    )
            with Horizontal(classes="row"):
                yield Label("Name")
                yield Input(id="name", compact=True)
            with Horizontal(classes="row"):
                yield Label("Organisation")
                yield Input(id="organisation", compact=True)
            with Horizontal(classes="row"):
                yield Label("Role")
                yield Input(id="role", compact=True)
            with Horizontal(classes="row"):
                yield Label("Side")
                yield Select(
                    [("Client side", "client"), ("Vendor side", "vendor")],
                    prompt="client or vendor",
                    id="side",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Method")
                yield Select(
                    [(enums.label(m), m) for m in enums.SIGNOFF_METHODS],
                    value="in_meeting",
                    allow_blank=False,
                    id="method",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Signed on")
                yield Input(
                    placeholder="today; or the day of the email, YYYY-MM-DD",
                    id="signed-on",
                    compact=True,
                )
            yield Static("Enter or Ctrl+S records · Ctrl+G cancels", classes="muted")
            yield Static("", id="error", classes="form-error")

    @on(Select.Changed, "#attendee")
    def _picked(self, event: Select.Changed) -> None:
        if not isinstance(event.value, int):
            return
        name, org, role, side = self.attendees[event.value]
        self.query_one("#name", Input).value = name
        self.query_one("#organisation", Input).value = org
        self.query_one("#role", Input).value = role
        self.query_one("#side", Select).value = side

    @on(Input.Submitted)
    def action_save(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        side = self.query_one("#side", Select).value
        error = self.query_one("#error", Static)
        if not name:
            error.update("[red]A signatory needs a name.[/red]")
            self.query_one("#name", Input).focus()
            return
        if side not in enums.SIDES:
            error.update("[red]Choose the side they sign for.[/red]")
            self.query_one("#side", Select).focus()
            return
        day = self.query_one("#signed-on", Input).value.strip()
        try:
            signed_on = date.fromisoformat(day) if day else None
        except ValueError:
            signed_on = None
        if day and (signed_on is None or len(day) != 10):
            error.update(
                Text(f"Signed on: {day!r} is not a date; write it as YYYY-MM-DD.", style="red")
            )
            self.query_one("#signed-on", Input).focus()
            return
        self.dismiss(
            SignatoryInput(
                name=name,
                organisation=self.query_one("#organisation", Input).value.strip(),
                role=self.query_one("#role", Input).value.strip(),
                side=str(side),
                method=str(self.query_one("#method", Select).value),
                signed_on=signed_on,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
