# An Ansible callback that writes one JSON line per task and host as the fleet playbook runs, so that
# `allocbench fleet` can show progress per host and keep, for a host that failed or was unreachable,
# Ansible's own reason. Enabled only by `allocbench fleet` (ANSIBLE_CALLBACKS_ENABLED); the file comes from
# ALLOCBENCH_FLEET_EVENTS. Run the playbook with ansible-playbook directly and it stays silent.
from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: allocbench_events
    type: notification
    short_description: one JSON line per task and host, for allocbench fleet
    description: Writes start, ok, changed, skipped, failed and unreachable events to ALLOCBENCH_FLEET_EVENTS.
    requirements: [ALLOCBENCH_FLEET_EVENTS in the environment]
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "allocbench_events"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        path = os.environ.get("ALLOCBENCH_FLEET_EVENTS")
        self._out = open(path, "a", buffering=1, encoding="utf-8") if path else None

    def _emit(self, host, task, status, result=None):
        if self._out is None:
            return
        event = {"time": time.time(), "host": host, "task": task, "status": status}
        if result is not None:
            event["reason"] = self._reason(result)
        self._out.write(json.dumps(event) + "\n")

    @staticmethod
    def _reason(result):
        """Ansible's reason: for a command that failed, the last line of its stderr (where allocbench and the
        shell say what went wrong) and its exit status; else Ansible's message."""
        stderr = str(result.get("stderr") or "").strip()
        rc = result.get("rc")
        if rc not in (None, 0) and stderr:
            return "%s (exit status %s)" % (stderr.splitlines()[-1].strip()[-1000:], rc)
        for key in ("msg", "stderr", "stdout"):
            value = result.get(key)
            if value:
                return str(value).strip()[-1000:]
        return ""

    def v2_runner_on_start(self, host, task):
        self._emit(host.get_name(), task.get_name(), "start")

    def v2_runner_on_ok(self, result):
        self._emit(result._host.get_name(), result._task.get_name(), "ok")

    def v2_runner_on_skipped(self, result):
        self._emit(result._host.get_name(), result._task.get_name(), "skipped")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        status = "ignored" if ignore_errors else "failed"
        self._emit(result._host.get_name(), result._task.get_name(), status, result._result)

    def v2_runner_on_unreachable(self, result):
        self._emit(result._host.get_name(), result._task.get_name(), "unreachable", result._result)
