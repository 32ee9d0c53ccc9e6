"""A campaign's comparison: each outlet's figures are its event's own results (followups.results)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.campaigns.models import Campaign
from app.followups.queries import EventStats, event_stats, ratio


@dataclass
class OutletFigures:
    outlet_code: str
    outlet_name: str
    event_id: int
    status: str
    stats: EventStats

    def as_api(self) -> dict:
        s = self.stats
        return {"outlet_code": self.outlet_code, "event_id": self.event_id, "status": self.status,
                "confirmed": s.confirmed, "checked_in": s.checked_in, "attendance_rate": s.attendance_rate,
                "newcomers": s.newcomers,
                "conversions": {"count": s.conversions, "amount": float(s.conversion_amount)}}


@dataclass
class Total:
    confirmed: int
    checked_in: int
    newcomers: int
    conversions: int
    amount: Decimal
    held_confirmed: int
    held_checked_in: int

    @property
    def attendance_rate(self) -> float | None:
        """Over the held events only, as each event's own rate (an event not yet held has none)."""
        return ratio(self.held_checked_in, self.held_confirmed)

    def as_api(self) -> dict:
        return {"confirmed": self.confirmed, "checked_in": self.checked_in, "attendance_rate": self.attendance_rate,
                "newcomers": self.newcomers, "conversions": {"count": self.conversions, "amount": float(self.amount)}}


def campaign_figures(campaign: Campaign) -> tuple[list[OutletFigures], Total]:
    """Per outlet the figures of its event's /stats, best first, and their sum."""
    rows = [OutletFigures(item.outlet.code, item.outlet.name, item.event.id, item.event.status,
                          event_stats(item.event)) for item in campaign.items]
    rows.sort(key=lambda r: (-r.stats.conversions, -r.stats.conversion_amount, -r.stats.checked_in, r.outlet_code))
    held = [r.stats for r in rows if r.stats.held]
    total = Total(confirmed=sum(r.stats.confirmed for r in rows), checked_in=sum(r.stats.checked_in for r in rows),
                  newcomers=sum(r.stats.newcomers for r in rows), conversions=sum(r.stats.conversions for r in rows),
                  amount=sum((r.stats.conversion_amount for r in rows), Decimal("0.00")),
                  held_confirmed=sum(s.confirmed for s in held), held_checked_in=sum(s.checked_in for s in held))
    return rows, total


def campaign_stats(campaign: Campaign) -> dict:
    """GET /api/v1/campaigns/{id}/stats (API.md)."""
    rows, total = campaign_figures(campaign)
    return {"outlets": [r.as_api() for r in rows], "total": total.as_api()}
