"""Opens and clicks over GraphQL: the stats' counts and rates with and without machine opens,
per segment and per step, a row's engagement, the daily report, and the privacy switches.
Both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.automation.orm import AutomationSettingsRow, ProgressStatus, TriggerEvent
from models.automation.tracking import LinkClick
from tests.automation.step_rows import DUE, progress, step

SENT, SCHEDULED = ProgressStatus.SENT, ProgressStatus.SCHEDULED
OPENED = DUE + timedelta(hours=2)
CLICKED = DUE + timedelta(hours=3)
ENGAGEMENT = "sent opened humanOpened clicked openRate humanOpenRate clickRate"
STATS = f"""
query($segment: ID!) {{
  emailAutomationStats(segmentId: $segment) {{
    {ENGAGEMENT} steps {{ sequenceId {ENGAGEMENT} }}
  }}
  emailSequences(segmentId: $segment) {{ id stats {{ {ENGAGEMENT} }} }}
}}"""
ROW = """
query($segment: ID) {
  sequenceProgress(segmentId: $segment, first: 10) {
    edges { node { id openedAt humanOpenedAt openCount clickedAt clickCount } }
  }
}"""
TRACKING = "openTracking clickTracking"
SETTINGS = f"{{ automationSettings {{ {TRACKING} }} }}"
UPDATE = f"""
mutation($input: AutomationSettingsInput!) {{
  updateAutomationSettings(input: $input) {{ settings {{ {TRACKING} }} errors {{ field }} }}
}}"""
REPORT = f"mutation {{ generateAutomationReport {{ report {{ {ENGAGEMENT} }} }} }}"


def _human(**fields: object) -> dict[str, object]:
    return {"opened_at": OPENED, "human_opened_at": OPENED, "open_count": 1, **fields}


def _machine(**fields: object) -> dict[str, object]:
    return {"opened_at": OPENED, "open_count": 1, **fields}


CLICK = {"clicked_at": CLICKED, "click_count": 1}


def _engagement(
    sent: int, opened: int, human: int, clicked: int, rates: tuple[float | None, ...]
) -> dict[str, object]:
    return {
        "sent": sent,
        "opened": opened,
        "humanOpened": human,
        "clicked": clicked,
        "openRate": rates[0],
        "humanOpenRate": rates[1],
        "clickRate": rates[2],
    }


async def test_stats_count_opens_and_clicks_with_and_without_machine_opens(gql, shop):
    first = await step(shop.segment_id, 1)
    exit_step = await step(shop.segment_id, 1, TriggerEvent.EXIT)
    unsent = await step(shop.segment_id, 2)
    await progress(first, 1, SENT, **_human(**CLICK))
    await progress(first, 2, SENT, **_machine())
    await progress(first, 3, SENT)
    await progress(first, 4, SENT, **_human(open_count=3))
    await progress(first, 5, SCHEDULED)
    await progress(exit_step, 1, SENT, **_machine(**CLICK))
    await progress(unsent, 1, SCHEDULED)
    # Another segment's engagement counts in neither.
    await progress(await step(shop.other_segment_id, 1), 1, SENT, **_human(**CLICK))

    data = await gql.data(STATS, {"segment": str(shop.segment_id)})

    first_counts = _engagement(4, 3, 2, 1, (0.75, 0.5, 0.25))
    exit_counts = _engagement(1, 1, 0, 1, (1.0, 0.0, 1.0))
    unsent_counts = _engagement(0, 0, 0, 0, (None, None, None))
    assert data["emailAutomationStats"] == {
        **_engagement(5, 4, 2, 2, (0.8, 0.4, 0.4)),
        "steps": [
            {"sequenceId": str(first.id), **first_counts},
            {"sequenceId": str(unsent.id), **unsent_counts},
            {"sequenceId": str(exit_step.id), **exit_counts},
        ],
    }
    by_step = {s["id"]: s["stats"] for s in data["emailSequences"]}
    assert by_step == {
        str(first.id): first_counts,
        str(exit_step.id): exit_counts,
        str(unsent.id): unsent_counts,
    }


async def test_a_row_shows_its_opens_and_clicks(gql, shop):
    first = await step(shop.segment_id, 1)
    engaged = await progress(first, 1, SENT, **_machine(open_count=2, **CLICK))
    quiet = await progress(first, 2, SENT)

    data = await gql.data(ROW, {"segment": str(shop.segment_id)})

    rows = {e["node"]["id"]: e["node"] for e in data["sequenceProgress"]["edges"]}
    assert rows == {
        str(engaged.id): {
            "id": str(engaged.id),
            "openedAt": OPENED.isoformat(),
            "humanOpenedAt": None,
            "openCount": 2,
            "clickedAt": CLICKED.isoformat(),
            "clickCount": 1,
        },
        str(quiet.id): {
            "id": str(quiet.id),
            "openedAt": None,
            "humanOpenedAt": None,
            "openCount": 0,
            "clickedAt": None,
            "clickCount": 0,
        },
    }


async def test_the_report_counts_engagement_of_the_rows_sent_in_its_period(gql, shop):
    first = await step(shop.segment_id, 1)
    now = datetime.now(UTC)
    hour_ago = now - timedelta(hours=1)
    await progress(
        first,
        1,
        SENT,
        sent_at=now - timedelta(hours=2),
        **_human(opened_at=hour_ago, human_opened_at=hour_ago, **CLICK | {"clicked_at": hour_ago}),
    )  # noqa: E501
    await progress(first, 2, SENT, sent_at=now - timedelta(hours=2), **_machine(opened_at=hour_ago))  # noqa: E501
    await progress(first, 3, SENT, sent_at=now - timedelta(hours=3))
    await progress(first, 4, SENT, sent_at=now - timedelta(hours=4))
    # Sent before the period: its open today is not in this period's cohort.
    await progress(
        first,
        5,
        SENT,
        sent_at=now - timedelta(days=2),
        **_human(opened_at=hour_ago, human_opened_at=hour_ago),
    )  # noqa: E501

    data = await gql.data(REPORT)

    assert data["generateAutomationReport"]["report"] == _engagement(4, 2, 1, 1, (0.5, 0.25, 0.25))


async def test_the_privacy_switches_default_on_and_change_alone(gql):
    assert await gql.data(SETTINGS) == {
        "automationSettings": {"openTracking": True, "clickTracking": True}
    }

    data = await gql.data(UPDATE, {"input": {"openTracking": False}})

    assert data["updateAutomationSettings"] == {
        "settings": {"openTracking": False, "clickTracking": True},
        "errors": [],
    }
    [row] = await AutomationSettingsRow.all()
    assert (row.open_tracking, row.click_tracking, row.enabled) == (False, True, True)
    data = await gql.data(UPDATE, {"input": {"clickTracking": False}})
    assert data["updateAutomationSettings"]["settings"] == {
        "openTracking": False,
        "clickTracking": False,
    }


async def test_a_row_lists_its_clicked_links_first_clicked_first(gql, shop):
    first = await step(shop.segment_id, 1)
    clicked = await progress(first, 1, SENT, clicked_at=CLICKED, click_count=3)
    quiet = await progress(first, 2, SENT)
    later = CLICKED + timedelta(minutes=5)
    await LinkClick.create(progress_id=clicked.id, url="https://b.example/", first_clicked_at=later)
    await LinkClick.create(
        progress_id=clicked.id, url="https://a.example/", first_clicked_at=CLICKED, click_count=2
    )

    data = await gql.data(
        "query($s: ID) { sequenceProgress(segmentId: $s, first: 10) { edges { node { id "
        "linkClicks { url firstClickedAt clickCount } } } } }",
        {"s": str(shop.segment_id)},
    )

    rows = {e["node"]["id"]: e["node"]["linkClicks"] for e in data["sequenceProgress"]["edges"]}
    assert rows == {
        str(clicked.id): [
            {"url": "https://a.example/", "firstClickedAt": CLICKED.isoformat(), "clickCount": 2},
            {"url": "https://b.example/", "firstClickedAt": later.isoformat(), "clickCount": 1},
        ],
        str(quiet.id): [],
    }
