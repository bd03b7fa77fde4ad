#!/usr/bin/env bash
# Known vulnerabilities in the pinned dependencies (PyPI advisory database via pip-audit).
# Usage: scripts/audit_deps.sh [requirements files...]   (default: requirements.txt requirements-dev.txt)
# Exit status: 0 clean, 1 vulnerabilities found, 2 the audit could not run (e.g. no network).
set -uo pipefail
cd "$(dirname "$0")/.."
PIP_AUDIT=${PIP_AUDIT:-$(command -v pip-audit || echo .venv/bin/pip-audit)}
files=("$@")
[ ${#files[@]} -eq 0 ] && files=(requirements.txt requirements-dev.txt)
status=0
for file in "${files[@]}"; do
  echo "== pip-audit -r $file"
  # --no-deps: the files pin everything we install; --disable-pip: do not build a throwaway venv.
  out=$("$PIP_AUDIT" --requirement "$file" --no-deps --disable-pip --progress-spinner off --desc on 2>&1)
  rc=$?
  echo "$out"
  # A package pip-audit could not look up is NOT audited: say so instead of reporting "no vulnerabilities".
  skipped=$(grep -c "could not be audited" <<<"$out")
  if [ "$rc" -eq 1 ]; then status=1
  elif [ "$rc" -ne 0 ]; then echo "pip-audit could not run ($rc)"; [ "$status" -eq 0 ] && status=2
  elif [ "$skipped" -gt 0 ]; then
    echo "INCOMPLETE: $skipped pinned packages could not be audited (no access to the advisory data?)"
    [ "$status" -eq 0 ] && status=2
  fi
done
exit "$status"
