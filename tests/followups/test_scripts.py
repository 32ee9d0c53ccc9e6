"""话术 is personalised (issue 12, point 4): the copied text names the customer, the sender, the outlet
and the event's real date and weekday; it is never copied with a blank left in it."""

from __future__ import annotations

import html
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.catalogue.builtin import builtin_templates
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from app.timefmt import local_today, local_tz

MOONCAKE = "mid_autumn_family_mooncake"


def _last_tuesday():
    today = local_today()
    return today - timedelta(days=(today.weekday() - 1) % 7 or 7)  # Tuesday is weekday 1; never today


@pytest.fixture
def tuesday(make, happen):
    """A mooncake workshop held last Tuesday at outlet 滨江支行(测试): 张三 came (a customer owned by 林晓)."""
    outlet = make.outlet("SC1", name="滨江支行（测试）")
    owner = make.user("staff", outlet=outlet, username="sc1.owner", name="林晓")
    other = make.user("staff", outlet=outlet, username="sc1.other", name="王芳")
    customer = make.customer(outlet, name="张三", phone="19900007001", owner="sc1.owner")
    event = make.event(outlet, template_key=MOONCAKE, title=None, owner=other, max_party_size=3)
    came = make.registration(event, name="张三", phone=customer.phone)
    stranger = make.registration(event, name="李四", phone="19900007002")
    day = _last_tuesday()
    starts = datetime.combine(day, time(14, 0), local_tz())
    event.starts_at, event.ends_at = starts, starts + timedelta(hours=2)
    db.session.commit()
    happen.check_in(came)
    happen.check_in(stranger)
    finish_event(event)
    db.session.commit()
    items = {f.customer.name: f for f in db.session.scalars(sa.select(FollowUp).where(FollowUp.event_id == event.id))}
    return {"event": event, "day": day, "owner": owner, "other": other, "maintain": items["张三"],
            "prospect": items["李四"], "outlet": outlet}


def test_the_api_script_is_filled_with_name_assignee_outlet_and_the_tuesday(client, make, tuesday):
    headers = make.token_headers(tuesday["owner"])
    items = client.get(f"/api/v1/followups?event_id={tuesday['event'].id}", headers=headers).get_json()["items"]
    by_name = {item["customer"]["name"]: item for item in items}
    day = tuesday["day"]
    when = f"{day.month}月{day.day}日（周二）"
    maintain = by_name["张三"]
    assert maintain["assignee"] == "sc1.owner"  # the customer's owner
    assert maintain["script"].startswith("张三您好，我是滨江支行（测试）的林晓。")
    assert f"孩子{when}做月饼的照片" in maintain["script"]
    assert maintain["script_missing"] == []
    # The newcomer's item goes to the event's creator, who signs it.
    assert by_name["李四"]["script"].startswith(f"李四您好，我是滨江支行（测试）的王芳，谢谢您{when}带孩子来做月饼")
    for item in items:
        assert "××" not in item["script"] and "{" not in item["script"] and "周六" not in item["script"]
        assert item["script"] == "\n".join(item["talking_points"])
    # The stored text stays as the template wrote it, for whoever sends it next.
    assert tuesday["maintain"].talking_points == list(builtin_templates()[MOONCAKE].playbook.maintain.talking_points)


def test_the_page_signs_with_the_signed_in_staff_member_and_copies_the_filled_text(client, auth, tuesday):
    auth.login("sc1.other")  # not the assignee: whoever sends it signs it
    page = client.get(f"/followups/{tuesday['maintain'].id}").get_data(as_text=True)
    day = tuesday["day"]
    text = f"张三您好，我是滨江支行（测试）的王芳。孩子{day.month}月{day.day}日（周二）做月饼的照片我已经发到群里啦"
    assert html.escape(text) in page
    copy_source = page[page.index('id="fu-script"'):]
    assert copy_source.index(html.escape(text)) < copy_source.index("</span>")
    assert 'data-copy="#fu-script"' in page and "disabled" not in page[page.index("复制微信话术") - 200:
                                                                        page.index("复制微信话术")]


def test_no_name_on_record_blocks_the_copy_and_says_why(client, auth, make, tuesday):
    customer = tuesday["maintain"].customer
    customer.name = ""
    db.session.commit()
    item = next(i for i in client.get(f"/api/v1/followups?event_id={tuesday['event'].id}",
                                      headers=make.token_headers(tuesday["owner"])).get_json()["items"]
                if i["id"] == tuesday["maintain"].id)
    assert item["script"] is None and item["script_missing"] == ["customer"]
    assert item["talking_points"][0].startswith("【客户姓名】您好")
    auth.login("sc1.owner")
    page = client.get(f"/followups/{tuesday['maintain'].id}").get_data(as_text=True)
    assert "【客户姓名】您好，我是滨江支行（测试）的林晓" in page
    assert 'data-copy="#fu-script"' not in page and 'id="fu-script"' not in page
    assert "话术还缺客户姓名，补全后才能复制" in page and "去客户档案补上姓名" in page
    button = page[page.rindex("<button", 0, page.index("话术还缺客户姓名")):page.index("话术还缺客户姓名")]
    assert "disabled" in button and "复制微信话术" in button


def test_an_old_script_with_hand_written_blanks_is_not_copied(client, auth, tuesday):
    followup = tuesday["maintain"]
    followup.talking_points = ["××妈妈您好，我是××网点的客户经理小王，周六孩子做的月饼照片我已经发到群里啦。"]
    db.session.commit()
    auth.login("sc1.owner")
    page = client.get(f"/followups/{followup.id}").get_data(as_text=True)
    assert 'data-copy="#fu-script"' not in page
    assert "话术含“××”空白，不能直接复制" in page
    home = client.get("/today").get_data(as_text=True)
    assert f'data-copy="#fu-msg-{followup.id}"' not in home and "话术含“××”空白" in home
