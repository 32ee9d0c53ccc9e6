from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models import IdMixin, JSONType, utcnow


class JobRun(IdMixin, Model):
    """One run of a scheduled job for one period (e.g. digest 2026-11-30).

    The unique (job, run_key) makes a job run once per period even when
    several processes or cron entries fire at the same moment.
    """

    __tablename__ = "job_runs"
    __table_args__ = (sa.UniqueConstraint("job", "run_key", name="uq_job_runs_job_key"),)

    job: Mapped[str] = mapped_column(sa.String(64))
    run_key: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    result: Mapped[dict] = mapped_column(JSONType, default=dict)
