"""An e-mail to the data engineers when a run fails: a yearly run that nobody watches must not fail unseen.

Configured from the environment, and only then part of the code location:

MHM_ALERT_EMAIL_TO      addresses, separated by commas (unset: no e-mail)
MHM_ALERT_EMAIL_FROM    the sender, also the SMTP login unless MHM_ALERT_SMTP_USER is set
MHM_ALERT_SMTP_HOST     the SMTP server; MHM_ALERT_SMTP_PORT (default 587), MHM_ALERT_SMTP_TYPE
                        (STARTTLS, the default, or SSL), MHM_ALERT_SMTP_USER, MHM_ALERT_SMTP_PASSWORD
MHM_UI_URL              the Dagster UI's address behind the proxy, for a link to the run

The e-mail names the job, the years, the run and its failed steps, and links to the run. It does not
quote the error: an error names files, rows and columns of health data, which stay on the machine.
"""

from collections.abc import Mapping
from html import escape

from dagster import DefaultSensorStatus, RunFailureSensorContext, SensorDefinition, make_email_on_run_failure_sensor
from dagster._core.storage.tags import (ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG,
                                        PARTITION_NAME_TAG)

REQUIRED = ("MHM_ALERT_EMAIL_FROM", "MHM_ALERT_SMTP_HOST", "MHM_ALERT_SMTP_PASSWORD")


def years_of(context: RunFailureSensorContext) -> str:
    tags = context.dagster_run.tags
    if PARTITION_NAME_TAG in tags:
        return tags[PARTITION_NAME_TAG]
    if ASSET_PARTITION_RANGE_START_TAG in tags:
        first, last = tags[ASSET_PARTITION_RANGE_START_TAG], tags.get(ASSET_PARTITION_RANGE_END_TAG)
        return first if last in (None, first) else f"{first}-{last}"
    return "every year"


def failure_subject(context: RunFailureSensorContext) -> str:
    return f"Mental-health monitor: {context.dagster_run.job_name} ({years_of(context)}) failed"


def failure_body(context: RunFailureSensorContext) -> str:
    """The summary, in HTML; Dagster adds the link to the run when MHM_UI_URL is set."""
    run = context.dagster_run
    steps = sorted({event.step_key for event in context.get_step_failure_events() if event.step_key})
    return "<br>".join([
        f"The run of {escape(run.job_name)} for {escape(years_of(context))} failed.",
        f"Run: {run.run_id}",
        f"Failed steps: {escape(', '.join(steps)) if steps else 'none (the run itself failed)'}",
        "The error is in the run's log in the Dagster UI. It is not sent by e-mail, because it can "
        "name files, rows and columns of the exports."])


def failure_email_sensor(env: Mapping[str, str]) -> SensorDefinition | None:
    """The sensor that e-mails a failed run's summary, or None when MHM_ALERT_EMAIL_TO is not set.
    Raises ValueError naming what is missing when it is set but the rest is incomplete."""
    to = [address.strip() for address in env.get("MHM_ALERT_EMAIL_TO", "").split(",") if address.strip()]
    if not to:
        return None
    if missing := [name for name in REQUIRED if not env.get(name)]:
        raise ValueError(f"MHM_ALERT_EMAIL_TO is set, so failed runs are e-mailed, but {', '.join(missing)} "
                         f"{'is' if len(missing) == 1 else 'are'} not: set them, or unset MHM_ALERT_EMAIL_TO")
    smtp_type = env.get("MHM_ALERT_SMTP_TYPE", "STARTTLS").upper()
    if smtp_type not in ("STARTTLS", "SSL"):
        raise ValueError(f"MHM_ALERT_SMTP_TYPE is {smtp_type!r}: STARTTLS or SSL")
    return make_email_on_run_failure_sensor(
        name="email_on_run_failure",
        email_from=env["MHM_ALERT_EMAIL_FROM"],
        email_password=env["MHM_ALERT_SMTP_PASSWORD"],
        email_to=to,
        email_subject_fn=failure_subject,
        email_body_fn=failure_body,
        smtp_host=env["MHM_ALERT_SMTP_HOST"],
        smtp_type=smtp_type,
        smtp_port=int(env.get("MHM_ALERT_SMTP_PORT") or (587 if smtp_type == "STARTTLS" else 465)),
        smtp_user=env.get("MHM_ALERT_SMTP_USER") or env["MHM_ALERT_EMAIL_FROM"],
        webserver_base_url=(env.get("MHM_UI_URL") or "").rstrip("/") or None,
        # Configured on purpose, so on from the start, unlike the inbox sensor.
        default_status=DefaultSensorStatus.RUNNING,
    )
