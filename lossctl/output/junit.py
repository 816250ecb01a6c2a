"""The JUnit XML report of ``lossctl check --junit-xml PATH``, as CI systems read pytest's.

One ``<testsuite name="lossctl check">`` holds one ``<testcase>`` per check and input:
``name`` is the check's name, ``classname`` is ``lossctl.<input>``. A failed check (severity
``fail``) has a ``<failure message="mse 0.6 > max 0.5" type="threshold|baseline">``. A warned
check (severity ``warn``) is a passing testcase, as pytest reports a test that only warned: it
ran and did not fail the build, so it is neither a failure nor ``<skipped>`` (which would say
it did not run); its message goes to ``<system-out>`` prefixed with ``warning:``. Every
testcase carries its message (value and limit in full) in ``<system-out>``. A run that stopped
on an error (exit 2: a missing file, a bad row) is one testcase with a ``<failure>``, so that the
CI page says why, not nothing: a failed testcase of ``type="input"``, as the gate did not pass.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lossctl.errors import printable
from lossctl.output.gate import FAIL, TITLE, WARN, Outcome


def junit_xml(outcomes: list[Outcome]) -> str:
    """The report as an XML document (UTF-8 declared)."""
    failures = sum(o.verdict == FAIL for o in outcomes)
    suites = ET.Element("testsuites", tests=str(len(outcomes)), failures=str(failures), errors="0")
    suite = ET.SubElement(
        suites, "testsuite", name=TITLE, tests=str(len(outcomes)), failures=str(failures), errors="0", skipped="0"
    )
    for o in outcomes:
        case = ET.SubElement(suite, "testcase", name=o.check.name, classname=f"lossctl.{o.input}")
        if o.verdict == FAIL:
            kind = "baseline" if o.baseline is not None else "threshold"
            failure = ET.SubElement(case, "failure", message=o.message, type=kind)
            failure.text = f"{o.check.name} on {o.input}: {o.message}"
        out = ET.SubElement(case, "system-out")
        out.text = f"warning: {o.message}" if o.verdict == WARN else o.message
    return _document(suites)


def junit_error(message: str) -> str:
    """The report of a run that stopped on ``message`` before any verdict: one failed testcase."""
    suites = ET.Element("testsuites", tests="1", failures="1", errors="0")
    suite = ET.SubElement(suites, "testsuite", name=TITLE, tests="1", failures="1", errors="0", skipped="0")
    case = ET.SubElement(suite, "testcase", name="lossctl check", classname="lossctl")
    failure = ET.SubElement(case, "failure", message=message, type="input")
    failure.text = message
    return _document(suites)


def _document(suites: ET.Element) -> str:
    ET.indent(suites)
    # XML 1.0 has no escape for most control characters: a check or file name holding one
    # would make the document ill-formed, so they are written as visible \xNN text.
    return printable('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n")
