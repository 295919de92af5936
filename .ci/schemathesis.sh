#!/usr/bin/env bash
# Fuzzes the REST API against its own OpenAPI schema: starts `lionrock serve --demo` on 127.0.0.1 with a
# throwaway data directory, issues tokens holding every scope, and runs schemathesis with every check.
# Fails on any 5xx, any answer the schema does not describe, or any other check's failure. Bounded in
# time: SCHEMATHESIS_MAX_EXAMPLES cases per operation (default 20) and SCHEMATHESIS_MAX_TIME seconds per
# run (default 60), two runs per demo persona below (the second, revoking tokens, 15 s).
#
#   bash .ci/schemathesis.sh
set -euo pipefail
exec </dev/null

cd "$(dirname "$0")/.."
export PATH="$HOME/.local/bin:/usr/local/bin:$PATH"
export UV_FROZEN=1 UV_NO_PROGRESS=1 PYTHONDONTWRITEBYTECODE=1

DATA_DIR="$(mktemp -d -t lionrock-schemathesis-XXXXXX)"
export LIONROCK_DATA_DIR="$DATA_DIR" LIONROCK_DEMO=1
unset DATABASE_URL
PORT="${SCHEMATHESIS_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
BASE="http://127.0.0.1:$PORT"
SERVER_PID=""

answers() {  # answers URL: true once the server answers 200 (python, since curl may not be installed)
    python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
}

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$DATA_DIR"
}
trap cleanup EXIT

uv run lionrock serve --demo --host 127.0.0.1 --port "$PORT" --workers 2 --no-worker \
    >"$DATA_DIR/server.log" 2>&1 &
SERVER_PID=$!

# Ready when the server answers; the ceiling is generous because migrations and the demo world come first.
for _ in $(seq 1 600); do
    if answers "$BASE/healthz"; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "lionrock serve exited before answering:" >&2
        cat "$DATA_DIR/server.log" >&2
        exit 1
    fi
    sleep 0.5
done
answers "$BASE/healthz" || { echo "lionrock serve did not answer in time" >&2; cat "$DATA_DIR/server.log" >&2; exit 1; }

SCOPES=()
while IFS= read -r scope; do SCOPES+=(--scope "$scope"); done < <(
    uv run python -c 'from lionrock.core.accounts.roles import Scope; print("\n".join(Scope.values))'
)

fuzz() {  # fuzz TOKEN [filter options...]
    local token=$1
    shift
    uv run schemathesis --config-file .ci/schemathesis.toml run "$BASE/api/openapi.json" \
        --checks all \
        --header "Authorization: Bearer $token" \
        --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-20}" \
        --max-time "${SCHEMATHESIS_MAX_TIME:-60}" \
        --request-timeout 30 \
        --seed "${SCHEMATHESIS_SEED:-20261205}" \
        --generation-database none \
        --workers 2 \
        --no-color \
        "$@"
}

status=0
# One persona per mission area, so every router answers with data rather than only with refusals.
for persona in "watch@lionrock.test dpo" "taskforce.lead@lionrock.test immigration"; do
    read -r email organisation <<<"$persona"
    token="$(uv run lionrock token create --user "$email" --organisation "$organisation" \
        --name "schemathesis" "${SCOPES[@]}" --days 1 2>/dev/null)"
    echo "==> schemathesis as $email ($organisation), every scope"
    # Revoking tokens comes last: the stateful phase would otherwise revoke the very token it uses.
    fuzz "$token" --exclude-path-regex '^/api/accounts/tokens/' || status=1
    echo "==> schemathesis as $email: revoking tokens"
    SCHEMATHESIS_MAX_TIME=15 fuzz "$token" --include-path-regex '^/api/accounts/tokens/' || status=1
done

if [ "$status" -ne 0 ]; then
    echo "schemathesis found failures; the server's log:" >&2
    grep -E '" 5[0-9][0-9] |Traceback|Error' "$DATA_DIR/server.log" | tail -n 40 >&2 || true
fi
exit "$status"
