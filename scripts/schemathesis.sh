#!/usr/bin/env bash
# Fuzzes the live server's HTTP API from its own OpenAPI document with
# schemathesis: builds `pactum serve`, starts it on 127.0.0.1 with a
# throwaway SQLite database (no limit on session creation, which the fuzzer
# does by the hundred), runs a bounded number of generated requests per
# operation, checking that no response is a server error (5xx) and that
# every response conforms to the document, then stops the server. Exits
# non-zero when schemathesis reports a failure.
#
#   scripts/schemathesis.sh
#
# Settings: SCHEMATHESIS_VENV (default $TMPDIR/pactum-schemathesis-venv, a
# virtualenv outside the repository, created with `pip install schemathesis`
# when missing), SCHEMATHESIS_EXAMPLES (examples per operation, default 100),
# SCHEMATHESIS_PORT (default 18089), SCHEMATHESIS_SEED (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."

TMP=${TMPDIR:-/tmp}
VENV=${SCHEMATHESIS_VENV:-$TMP/pactum-schemathesis-venv}
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-100}
PORT=${SCHEMATHESIS_PORT:-18089}
SEED=${SCHEMATHESIS_SEED:-1}

say() { echo "schemathesis.sh: $*" >&2; }

case "$(realpath -m "$VENV")" in
"$(pwd)"/*)
    say "SCHEMATHESIS_VENV must be outside the repository"
    exit 2
    ;;
esac

if [ ! -x "$VENV/bin/st" ]; then
    say "creating $VENV and installing schemathesis"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet schemathesis
fi
say "$("$VENV/bin/st" --version)"

cargo build --quiet -p pactum-cli
BIN=target/debug/pactum

WORK=$(mktemp -d "$TMP/pactum-schemathesis.XXXXXX")
"$BIN" serve --db "$WORK/fuzz.db" --listen "127.0.0.1:$PORT" --sessions-per-minute 0 2>"$WORK/server.log" &
SERVER=$!
cleanup() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$PORT/openapi.json" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$SERVER" 2>/dev/null; then
        say "the server did not start:"
        cat "$WORK/server.log" >&2
        exit 1
    fi
    sleep 0.1
done

# A real session, so that the generated requests reach past "no such
# session": its id fills the {id} path parameters and a negotiator's token
# authenticates the requests.
cat >"$WORK/scenario.toml" <<'TOML'
name = "Fuzz"

[[issues]]
name = "price"
type = "integer"
min = 1
max = 5

[[issues]]
name = "colour"
options = ["red", "blue"]

[[parties]]
name = "Alice"
role = "negotiator"
reservation = 0.1
weights = { price = 0.8, colour = 0.2 }
values.price = { type = "linear", slope = 1.0, offset = 0.0 }
values.colour = { red = 1.0, blue = 0.0 }

[[parties]]
name = "Bob"
role = "negotiator"
weights = { price = 0.3, colour = 0.7 }
values.price = { type = "linear", slope = -1.0, offset = 1.0 }
values.colour = { red = 0.0, blue = 1.0 }

[[parties]]
name = "Mia"
role = "mediator"
TOML
"$VENV/bin/python" - "$WORK" "$PORT" <<'PY'
import json, sys, urllib.request
work, port = sys.argv[1], sys.argv[2]
body = json.dumps({"scenario_toml": open(f"{work}/scenario.toml").read(),
                   "protocol": "alternating_offers", "deadline_rounds": 50,
                   "bots": {"Bob": "conceder"}}).encode()
req = urllib.request.Request(f"http://127.0.0.1:{port}/sessions", data=body,
                             headers={"content-type": "application/json"})
created = json.load(urllib.request.urlopen(req))
tokens = {"party": created["invitations"][0]["token"],
          "admin": created["admin_token"],
          "mediator": created["viewers"][0]["token"]}
for who, token in tokens.items():
    with open(f"{work}/{who}.toml", "w") as f:
        f.write('headers = { Authorization = "Bearer %s" }\n' % token)
        f.write('[parameters]\n"path.id" = "%s"\n' % created["session_id"])
PY

# Every operation with each kind of token: a negotiator's, the admin's and
# the mediator's.
status=0
for who in party admin mediator; do
    say "requests with the $who token"
    # (from $WORK: schemathesis keeps its state in the current directory)
    (cd "$WORK" && "$VENV/bin/st" --config-file "$WORK/$who.toml" run "http://127.0.0.1:$PORT/openapi.json" \
        --checks not_a_server_error,response_schema_conformance \
        --max-examples "$EXAMPLES" \
        --seed "$SEED" \
        --request-timeout 10 \
        --workers 2 \
        --no-color) || status=$?
done

if [ "$status" -ne 0 ]; then
    say "failures (server log follows)"
    tail -n 50 "$WORK/server.log" >&2
fi
exit "$status"
