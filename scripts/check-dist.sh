#!/usr/bin/env bash
# dist/ is committed (the runner executes it as is): it must equal a fresh build of src/. So must the
# validators the build generates into src/ (the schema's and the API answers').
set -euo pipefail
built=(dist src/config/reports-validator.js src/acronis/answer-validators.js src/review/record-validator.js)
npm run -s build >/dev/null
if [ -n "$(git status --porcelain -- "${built[@]}")" ]; then
  echo "dist/ differs from a fresh 'npm run build'. Rebuild and commit dist/:" >&2
  git status --porcelain -- "${built[@]}" >&2
  git diff --stat -- "${built[@]}" >&2
  exit 1
fi
echo "dist/ matches a fresh build"
