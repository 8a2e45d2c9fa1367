"""Ways into the work between meetings, mixed into the App so that any screen can call them:
``self.app.open_actions()``, ``self.app.new_plan(kpi_id=...)`` (from a KPI gap on the scorecard),
``self.app.open_plan(plan_id)``, ``self.app.verify_plan(plan_id)``, ``self.app.open_plans()``,
``self.app.open_escalations()``, ``self.app.open_audits()``, ``self.app.raise_escalation(...)``.

Forms load what they show in a worker first, then open; errors a user can cause are notified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from reviewtui.app import ReviewApp


class BetweenMeetingsNavigation:
    """Mixin for :class:`reviewtui.app.ReviewApp`."""

    @property
    def as_review_app(self) -> ReviewApp:
        """This mixin as the app it is mixed into (a mixin has no base to type ``self`` by)."""
        return cast("ReviewApp", self)

    def _load_then(self, load: Callable[[], Any], then: Callable[[Any], None]) -> None:
        app = self.as_review_app

        def work() -> None:
            from reviewtui.db.errors import UserError

            try:
                value = load()
            except UserError as exc:
                app.call_from_thread(app.notify, str(exc), severity="error")
                return
            app.call_from_thread(then, value)

        app.run_worker(work, thread=True, group="db-nav", exit_on_error=False)

    def _facilitator(self) -> bool:
        app = self.as_review_app
        if app.settings.role != "facilitator":
            app.notify("This session is read-only: plans cannot be changed.", severity="error")
            return False
        return True

    def open_actions(
        self,
        vendor_id: int | None = None,
        *,
        meeting_id: int | None = None,
        overdue_only: bool = False,
    ) -> None:
        """The Actions screen (all vendors, or one; changes recorded in ``meeting_id``)."""
        from reviewtui.screens.actions import ActionsScreen

        app = self.as_review_app
        app.push_screen(ActionsScreen(vendor_id, meeting_id=meeting_id, overdue_only=overdue_only))

    def open_plans(self, vendor_id: int | None = None) -> None:
        from reviewtui.screens.plans import PlansScreen

        app = self.as_review_app
        app.push_screen(PlansScreen(vendor_id))

    def open_escalations(self, vendor_id: int | None = None) -> None:
        from reviewtui.screens.escalations import EscalationsScreen

        app = self.as_review_app
        app.push_screen(EscalationsScreen(vendor_id))

    def open_audits(self, vendor_id: int | None = None) -> None:
        from reviewtui.screens.audits import AuditsScreen

        app = self.as_review_app
        app.push_screen(AuditsScreen(vendor_id))

    # Bindings name these (``app.open_actions``): Textual looks for ``action_<name>``.
    def action_open_actions(self) -> None:
        self.open_actions()

    def action_open_plans(self) -> None:
        self.open_plans()

    def action_open_escalations(self) -> None:
        self.open_escalations()

    def action_open_audits(self) -> None:
        self.open_audits()

    def _plan_form(
        self,
        *,
        plan_id: int | None = None,
        vendor_id: int | None = None,
        kpi_id: int | None = None,
        feedback_id: int | None = None,
        agenda_item_id: int | None = None,
        meeting_id: int | None = None,
        on_saved: Callable[[int], None] | None = None,
    ) -> None:
        from reviewtui.screens.plan_form import PlanFormScreen, load_form_data

        if not self._facilitator():
            return
        app = self.as_review_app

        def load():
            with app.db.read() as s:
                return load_form_data(
                    s,
                    plan_id=plan_id,
                    vendor_id=vendor_id,
                    kpi_id=kpi_id,
                    feedback_id=feedback_id,
                    agenda_item_id=agenda_item_id,
                    meeting_id=meeting_id,
                )

        def show(data) -> None:
            def done(pid: int | None) -> None:
                if pid is None:
                    return
                app.notify(f"Plan {pid} saved.", timeout=3)
                if on_saved is not None:
                    on_saved(pid)

            app.push_screen(PlanFormScreen(data, meeting_id=meeting_id), done)

        self._load_then(load, show)

    def open_plan(
        self,
        plan_id: int,
        *,
        meeting_id: int | None = None,
        on_saved: Callable[[int], None] | None = None,
    ) -> None:
        """The plan form on an existing plan."""
        self._plan_form(plan_id=plan_id, meeting_id=meeting_id, on_saved=on_saved)

    def new_plan(
        self,
        *,
        vendor_id: int | None = None,
        kpi_id: int | None = None,
        feedback_id: int | None = None,
        agenda_item_id: int | None = None,
        meeting_id: int | None = None,
        on_saved: Callable[[int], None] | None = None,
    ) -> None:
        """The plan form for a new plan, pre-filled for a KPI gap, a feedback entry or an agenda
        item (``kpi_id``, ``feedback_id``, ``agenda_item_id``), or on its own (``vendor_id``)."""
        self._plan_form(
            vendor_id=vendor_id,
            kpi_id=kpi_id,
            feedback_id=feedback_id,
            agenda_item_id=agenda_item_id,
            meeting_id=meeting_id,
            on_saved=on_saved,
        )

    def verify_plan(self, plan_id: int, on_done: Callable[[Any], None] | None = None) -> None:
        """The effectiveness-check form of a plan."""
        from reviewtui.screens.plan_form import VerificationScreen

        if not self._facilitator():
            return
        app = self.as_review_app

        def load():
            from reviewtui.db import plans as plan_q

            with app.db.read() as s:
                return plan_q.get_plan(plan_id, session=s), plan_q.kpi_since(plan_id, session=s)

        def show(value) -> None:
            detail, kpi = value

            def done(res) -> None:
                if res is None:
                    return
                msg = f"Plan {plan_id}: {res.outcome.replace('_', ' ')}; now {res.plan_status}."
                if res.verification_due:
                    msg += f" Next check {res.verification_due}."
                app.notify(msg, timeout=5)
                if res.suggest_escalation:
                    app.notify(
                        f"Plan {plan_id} failed its check {res.not_confirmed} times: "
                        "consider escalating (Escalations screen).",
                        severity="warning",
                        timeout=8,
                    )
                if on_done is not None:
                    on_done(res)

            app.push_screen(VerificationScreen(detail, kpi), done)

        self._load_then(load, show)

    def raise_escalation(
        self,
        vendor_id: int,
        *,
        level: int = 1,
        reason: str = "",
        kpi_id: int | None = None,
        action_id: int | None = None,
        plan_id: int | None = None,
        meeting_id: int | None = None,
        supersedes: int | None = None,
        item: str = "",
        on_done: Callable[[int], None] | None = None,
    ) -> None:
        """The one-step escalation form, pre-filled (level, reason, linked item)."""
        from reviewtui.screens.escalations import EscalationDraft, RaiseEscalationScreen

        if not self._facilitator():
            return
        app = self.as_review_app

        def load():
            from reviewtui.db import escalations as esc_q
            from reviewtui.db import vendors as vendor_q

            with app.db.read() as s:
                name = vendor_q.get_detail(vendor_id, session=s).name
                return name, esc_q.ladder(vendor_id, session=s)

        def show(value) -> None:
            name, ladder = value
            draft = EscalationDraft(
                vendor_id,
                name,
                level,
                reason,
                kpi_id,
                action_id,
                plan_id,
                meeting_id,
                supersedes,
                item,
            )

            def done(eid: int | None) -> None:
                if eid is not None:
                    app.notify(f"Escalation {eid} raised.", timeout=3)
                    if on_done is not None:
                        on_done(eid)

            app.push_screen(RaiseEscalationScreen(draft, ladder), done)

        self._load_then(load, show)
