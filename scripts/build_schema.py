"""Write schemas/plan-record.schema.json from the PlanRecord model.

    python scripts/build_schema.py            # (re)write the file
    python scripts/build_schema.py --check    # exit 1 when the file is out of date

The output depends only on the model: keys sorted, two-space indent, one
trailing newline, non-ASCII kept as is — so regenerating gives the same bytes
and tests/test_schema.py can compare it with the committed file.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schemas" / "plan-record.schema.json"


def render_schema() -> str:
    """The JSON Schema of PlanRecord, as the text of the committed file."""
    from vnplan.models import PlanRecord

    schema = PlanRecord.model_json_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = render_schema()
    if "--check" in argv:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else None
        if current != text:
            print(f"{SCHEMA_PATH.relative_to(ROOT)} is out of date: run python scripts/build_schema.py", file=sys.stderr)
            return 1
        return 0
    SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing
    sys.exit(main(sys.argv[1:]))
