#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks of examples/prometheus and examples/grafana (tests/examples/check.sh).

  check_examples.py dashboard JSON FAMILIES PROMQL_OUT
      JSON is a Grafana dashboard to import (schemaVersion, a ${DS_PROMETHEUS} input, unique
      panel ids, every query panel on that datasource with a Prometheus expr); every expr names
      only metric families of FAMILIES (one name a line); the exprs, with Grafana's variables
      replaced, are written to PROMQL_OUT as a rule file for `promtool check rules` to parse.
  check_examples.py rules RULES FAMILIES
      every expr of the rule file RULES names only families of FAMILIES (or `up`), and every
      alert has a severity label and summary and description annotations.
  check_examples.py coverage RULES TEST
      every alert of RULES is expected to fire somewhere in the promtool test TEST and to stay
      silent (exp_alerts: []) somewhere.
Prints one line per problem and exits 1 if there was any.
"""
import json
import re
import sys

import yaml

# PromQL words that look like metric names: aggregation and binary keywords, literals.
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
            "unless", "offset", "bool", "atan2", "inf", "nan", "Inf", "NaN"}
# Series Prometheus itself makes, that a rule may use beside the exporter's.
PROMETHEUS_SERIES = {"up"}


def metric_names(expr):
    """The metric names an expression selects (not functions, keywords or labels)."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    e = re.sub(r'\$\{?\w+\}?', '', e)  # Grafana variables
    e = re.sub(r'\{[^}]*\}', '', e)  # label matchers
    e = re.sub(r'\[[^\]]*\]', '', e)  # ranges and subqueries
    e = re.sub(r'\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)', ' ', e)
    names = set()
    for m in re.finditer(r'(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?', e):
        if m.group(2) or m.group(1) in KEYWORDS:
            continue  # a function or aggregation call, or a keyword
        names.add(m.group(1))
    return names


def read_families(path):
    with open(path) as f:
        fams = {line.strip() for line in f if line.strip()}
    return fams


def panels_of(dash):
    for p in dash.get("panels", []):
        yield p
        yield from p.get("panels", [])  # the panels of a collapsed row


def check_dashboard(path, fam_path, promql_out):
    errs = []
    fams = read_families(fam_path)
    try:
        with open(path) as f:
            dash = json.load(f)
    except (OSError, ValueError) as e:
        return [f"{path}: not valid JSON: {e}"]
    if not isinstance(dash.get("schemaVersion"), int) or dash["schemaVersion"] < 36:
        errs.append(f"{path}: schemaVersion {dash.get('schemaVersion')!r}, want >= 36")
    for key in ("title", "uid"):
        if not dash.get(key):
            errs.append(f"{path}: no {key}")
    if dash.get("id") is not None:
        errs.append(f"{path}: id must be null in a dashboard to import")
    if not any(i.get("name") == "DS_PROMETHEUS" and i.get("pluginId") == "prometheus"
               for i in dash.get("__inputs", [])):
        errs.append(f"{path}: no DS_PROMETHEUS datasource input")
    ids = set()
    exprs = []
    for p in panels_of(dash):
        title = p.get("title", "?")
        if p.get("id") in ids:
            errs.append(f"{path}: panel {title!r}: id {p.get('id')} used twice")
        ids.add(p.get("id"))
        if "gridPos" not in p:
            errs.append(f"{path}: panel {title!r}: no gridPos")
        if p.get("type") == "row":
            continue
        targets = p.get("targets") or []
        if not targets:
            errs.append(f"{path}: panel {title!r}: no query")
        for t in [p] + targets:
            ds = t.get("datasource") or {}
            if ds.get("uid") != "${DS_PROMETHEUS}":
                errs.append(f"{path}: panel {title!r}: datasource {ds!r}, not ${{DS_PROMETHEUS}}")
        for t in targets:
            expr = t.get("expr", "")
            if not expr.strip():
                errs.append(f"{path}: panel {title!r}: query {t.get('refId')} has no expr")
                continue
            exprs.append((title, expr))
            unknown = sorted(metric_names(expr) - fams)
            if unknown:
                errs.append(f"{path}: panel {title!r}: {', '.join(unknown)}: not a family ward "
                            f"exports (expr: {expr})")
            if not metric_names(expr):
                errs.append(f"{path}: panel {title!r}: expr names no metric: {expr}")
    for v in dash.get("templating", {}).get("list", []):
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else (q or "")
        m = re.match(r'label_values\((\w+)', q)
        if m and m.group(1) not in fams:
            errs.append(f"{path}: variable {v.get('name')}: {m.group(1)}: not a family ward exports")
    used = set().union(*(metric_names(e) for _, e in exprs)) if exprs else set()
    for fam in sorted(fams - used):
        print(f"note: {path}: no panel shows {fam}")
    # Grafana's variables as Prometheus would see them after substitution, for promtool.
    subst = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "6h",
             "$instance": ".+", "${instance}": ".+"}
    rules = []
    for i, (title, expr) in enumerate(exprs):
        for k, v in subst.items():
            expr = expr.replace(k, v)
        if "$" in expr:
            errs.append(f"{path}: panel {title!r}: unknown variable in {expr}")
        rules.append({"record": f"ward:dashboard_panel_{i}", "expr": expr})
    with open(promql_out, "w") as f:
        yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, f)
    print(f"dashboard: {len(exprs)} queries in {len(ids)} panels, "
          f"{len(used & fams)} of {len(fams)} families shown")
    return errs


def rules_of(path):
    with open(path) as f:
        doc = yaml.safe_load(f)
    for g in doc.get("groups", []):
        yield from g.get("rules", [])


def check_rules(path, fam_path):
    errs = []
    fams = read_families(fam_path) | PROMETHEUS_SERIES
    for r in rules_of(path):
        name = r.get("alert") or r.get("record")
        unknown = sorted(metric_names(str(r.get("expr", ""))) - fams)
        if unknown:
            errs.append(f"{path}: {name}: {', '.join(unknown)}: not a family ward exports")
        if "alert" in r:
            if not r.get("labels", {}).get("severity"):
                errs.append(f"{path}: {name}: no severity label")
            for a in ("summary", "description"):
                if not r.get("annotations", {}).get(a):
                    errs.append(f"{path}: {name}: no {a} annotation")
    return errs


def check_coverage(rules_path, test_path):
    errs = []
    alerts = [r["alert"] for r in rules_of(rules_path) if "alert" in r]
    with open(test_path) as f:
        doc = yaml.safe_load(f)
    fired, silent = set(), set()
    for t in doc.get("tests", []):
        for a in t.get("alert_rule_test", []):
            (fired if a.get("exp_alerts") else silent).add(a.get("alertname"))
    for name in alerts:
        if name not in fired:
            errs.append(f"{test_path}: {name} is never expected to fire")
        if name not in silent:
            errs.append(f"{test_path}: {name} is never expected to stay silent")
    for name in sorted((fired | silent) - set(alerts)):
        errs.append(f"{test_path}: {name}: no such alert in {rules_path}")
    print(f"coverage: {len(alerts)} alerts, each fired and kept silent" if not errs else "")
    return errs


def main(argv):
    cmds = {"dashboard": (check_dashboard, 3), "rules": (check_rules, 2),
            "coverage": (check_coverage, 2)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    errs = cmds[argv[1]][0](*argv[2:])
    for e in errs:
        print(f"FAIL: {e}")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
