#!/usr/bin/env bash
# dist/ is committed (the runner executes it as is): it must equal a fresh build of src/. So must the
# schema's validator, which the build generates into src/.
set -euo pipefail
npm run -s build >/dev/null
if [ -n "$(git status --porcelain -- dist src/config/reports-validator.js)" ]; then
  echo "dist/ differs from a fresh 'npm run build'. Rebuild and commit dist/:" >&2
  git status --porcelain -- dist src/config/reports-validator.js >&2
  git diff --stat -- dist src/config/reports-validator.js >&2
  exit 1
fi
echo "dist/ matches a fresh build"
