"""Sending minutes from the minutes screen: the recipients to confirm, then the progress.

The plan (who gets it, who had it already, who has no email) is made by
:func:`reviewtui.mail.minutes.plan` in a worker before this modal opens; ``y`` sends in a
worker of its own while the modal shows each step, and the outcome stays on screen until
closed. Names are shown as typed (plain text, never markup).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reviewtui.appref import review_app
from reviewtui.db.errors import UserError

if TYPE_CHECKING:
    from reviewtui.mail.minutes import MinutesPlan


def recipients_text(plan: MinutesPlan) -> Text:
    """The confirmation text: subject, each recipient, who is skipped and why."""
    t = Text()
    t.append(plan.subject, style="bold")
    t.append("\n\n")
    if plan.draft:
        t.append("DRAFT: not signed off; sent for review, marked DRAFT.\n\n", style="bold red")
    t.append(f"To send to ({len(plan.recipients)}):\n")
    for r in plan.recipients:
        t.append(f"  {r.field.upper():<3} ")
        t.append(f"{r.name} <{r.address}>" if r.name else r.address)
        t.append(f"  {r.why}\n", style="dim")
    for r, row in plan.already:
        t.append("  had it: ", style="dim")
        t.append(f"{r.name or r.address}", style="dim")
        t.append(f" ({row.at.astimezone():%Y-%m-%d %H:%M})\n", style="dim")
    for who in plan.no_email:
        t.append("  no email: ", style="yellow")
        t.append(f"{who}\n", style="yellow")
    return t


class SendMinutesModal(ModalScreen[bool]):
    """Confirm the recipients (y), then watch the sending; Escape closes when it is done."""

    CSS_PATH = "send_mail.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "send", "Send", id="sendmail.send"),
        Binding("n,escape,ctrl+g", "close", "Close", id="sendmail.close"),
    ]

    def __init__(self, plan: MinutesPlan) -> None:
        super().__init__()
        self.plan = plan
        self.state = "confirm"  # confirm | sending | done

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            with VerticalScroll():
                yield Static(recipients_text(self.plan), id="send-recipients")
            yield Static(Text("y send · n cancel", style="dim"), id="send-progress")

    def _say(self, text: str, style: str = "") -> None:
        self.query_one("#send-progress", Static).update(Text(text, style=style))

    def action_send(self) -> None:
        if self.state != "confirm":
            return
        self.state = "sending"
        self._say("Starting…")
        self._send()

    def action_close(self) -> None:
        if self.state == "sending":
            self.notify("Sending: wait for the server's answer.", severity="warning")
            return
        self.dismiss(self.state == "done")

    @work(thread=True, exclusive=True, group="mail", exit_on_error=False)
    def _send(self) -> None:
        from reviewtui.mail import minutes as mm
        from reviewtui.screens.minutes import minutes_pdf

        app = review_app(self)
        db, settings = app.db, app.settings

        def render(plan: mm.MinutesPlan) -> bytes:
            # Signed-off minutes go out signed, exactly as the minutes screen exports them.
            return minutes_pdf(db, settings, plan.document, signed_off=not plan.draft)[0]

        try:
            out = mm.send(
                db,
                settings,
                self.plan,
                progress=lambda text: app.call_from_thread(self._say, text),
                render=render,
            )
        except (UserError, OSError) as exc:
            app.call_from_thread(self._finished, f"Not sent: {exc}", "bold red")
            return
        lines = [f"Sent to {len(out.accepted)} of {len(self.plan.recipients)}."]
        lines += [f"Refused: {r.address} ({why}); not recorded." for r, why in out.refused]
        lines.append("Escape closes.")
        app.call_from_thread(self._finished, "\n".join(lines), "red" if out.refused else "green")

    def _finished(self, text: str, style: str) -> None:
        self.state = "done"
        self._say(text, style)
