"""The inbox (sim.models.inbox): a minute's arrivals in key order, after its other events."""

from __future__ import annotations

import simpy

from sim.models.inbox import OFFICE_PRIORITY, WINDOW_PRIORITY, At, Inbox


def test_a_minute_s_items_come_in_key_order_after_its_ordinary_events() -> None:
    env = simpy.Environment()
    seen: list[object] = []
    box: Inbox[str] = Inbox(env, OFFICE_PRIORITY, seen.append)
    box.put(10.0, 7, "g")
    box.put(5.0, 9, "early")
    box.put(10.0, 2, "b")
    env.timeout(10.0).callbacks.append(lambda _: seen.append("normal event at 10"))
    box.put(10.0, 4, "d")
    env.run()
    assert seen == ["early", "normal event at 10", "b", "d", "g"]


def test_window_inboxes_wait_for_office_inboxes_of_the_same_minute() -> None:
    env = simpy.Environment()
    seen: list[str] = []
    window: Inbox[str] = Inbox(env, WINDOW_PRIORITY, seen.append)
    office: Inbox[str] = Inbox(env, OFFICE_PRIORITY, seen.append)
    window.put(3.0, 1, "window")
    office.put(3.0, 1, "office")
    env.run()
    assert seen == ["office", "window"]


def test_at_lands_on_the_exact_minute() -> None:
    env = simpy.Environment()
    now, target = 42.09186792090759, 7983.279464214306
    env.run(until=now)
    assert now + (target - now) != target  # where a timeout of target - now would land
    fired: list[float] = []
    At(env, target).callbacks.append(lambda _: fired.append(env.now))
    env.run()
    assert fired == [target]
