# Parses a Prometheus exposition from stdin with the official Python client's parsers (Debian's
# python3-prometheus-client) and prints its families as JSON, for MetricsScrapeTest.
#   argv[1] = "openmetrics": the strict OpenMetrics 1.0 parser (prometheus_client.openmetrics.parser): it refuses
#             anything the spec does not allow (a missing "# EOF", a sample out of its family, a bad name, type, value
#             or label, a histogram without +Inf, non-cumulative buckets...).
#   argv[1] = "text": the text format 0.0.4 parser (prometheus_client.parser).
# Exit 0 and JSON on stdout, or exit 1 and the parser's complaint on stderr.
import json
import math
import sys

from prometheus_client import parser as text_parser
from prometheus_client.openmetrics import parser as openmetrics_parser

def number(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return value

def main():
    fmt = sys.argv[1]
    text = sys.stdin.read()
    parse = openmetrics_parser.text_string_to_metric_families if fmt == "openmetrics" \
        else text_parser.text_string_to_metric_families
    try:
        families = [{
            "name": family.name,
            "type": family.type,
            "help": family.documentation,
            "unit": family.unit,
            "samples": [{"name": s.name, "labels": s.labels, "value": number(s.value)} for s in family.samples],
        } for family in parse(text)]
    except Exception as error:
        print("%s: %s" % (type(error).__name__, error), file=sys.stderr)
        return 1
    json.dump(families, sys.stdout)
    return 0

sys.exit(main())
