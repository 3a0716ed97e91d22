#!/usr/bin/env bash
# Writes the stored-data fixture of release 1 (events *.v1, snapshots AccountState.v1 with a full
# 256-entry idempotency window) that the upgrade specs start the current code on.
#
# It builds the release-1 commit in a throwaway git worktree, runs its API on a temp SQLite journal,
# drives it over HTTP, records what each account answers, and dumps the journal file as SQL text:
#   tests/Fixtures/v1/journal.sql      the journal + snapshot tables (python3's sqlite3 iterdump)
#   tests/Fixtures/v1/expected.json    each account's id, balance, version and idempotency keys
#
#   scripts/make-v1-fixture.sh [commit]     (default: 9016351, the last release with v1 events only)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
commit="${1:-9016351}"
out="$repo/tests/Fixtures/v1"
port="${BANK_FIXTURE_PORT:-5399}"
base="http://127.0.0.1:$port"
work="$(mktemp -d)"
tree="$work/tree"
pid=""

cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  git -C "$repo" worktree remove --force "$tree" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

git -C "$repo" worktree add --detach "$tree" "$commit" >/dev/null
dotnet build -c Release "$tree/src/BankAccounts.Api" -v q -nologo >/dev/null

mkdir -p "$work/run/data"
(cd "$work/run" && exec dotnet "$tree/src/BankAccounts.Api/bin/Release/net10.0/BankAccounts.Api.dll" --urls "$base" \
  --BankAccounts:Accounts:SnapshotEvery=100 >"$work/app.log" 2>&1) &
pid=$!
for _ in $(seq 1 120); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 1; done
curl -fs "$base/health/ready" >/dev/null || { cat "$work/app.log" >&2; exit 1; }

# post PATH KEY BODY: prints the JSON answer; fails on a 5xx or no answer.
post() {
  local status
  status=$(curl -s -o "$work/answer.json" -w '%{http_code}' -X POST "$base$1" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: $2" -d "$3")
  [[ "$status" =~ ^[234] ]] || { echo "POST $1 ($2) answered $status" >&2; cat "$work/answer.json" >&2; exit 1; }
  cat "$work/answer.json"
}
id_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["accountId"])'; }

alice=$(post /accounts fixture-open-alice '{"owner":"Alice Martin","currency":"EUR","overdraftLimit":50}' | id_of)
bob=$(post /accounts fixture-open-bob '{"owner":"Bob Ivanov","currency":"EUR"}' | id_of)
carol=$(post /accounts fixture-open-carol '{"owner":"Carol Smith","currency":"USD"}' | id_of)
dave=$(post /accounts fixture-open-dave '{"owner":"Dave Closed","currency":"GBP"}' | id_of)
merchant=$(post /accounts fixture-open-merchant '{"owner":"Busy Merchant","currency":"EUR"}' | id_of)

post "/accounts/$alice/deposits" fixture-alice-salary '{"amount":1000.50,"reference":"salary"}' >/dev/null
post "/accounts/$alice/withdrawals" fixture-alice-rent '{"amount":400}' >/dev/null
post "/accounts/$alice/withdrawals" fixture-alice-too-much '{"amount":99999}' >/dev/null   # declined, recorded
post "/accounts/$bob/deposits" fixture-bob-gift '{"amount":20}' >/dev/null
post "/accounts/$carol/deposits" fixture-carol-pay '{"amount":75.25,"currency":"USD"}' >/dev/null
post /transfers fixture-transfer-ok "{\"fromAccountId\":\"$alice\",\"toAccountId\":\"$bob\",\"amount\":100,\"reference\":\"rent share\"}" >/dev/null
post /transfers fixture-transfer-refused "{\"fromAccountId\":\"$alice\",\"toAccountId\":\"$carol\",\"amount\":10}" >/dev/null
post "/accounts/$dave/deposits" fixture-dave-in '{"amount":5}' >/dev/null
post "/accounts/$dave/withdrawals" fixture-dave-out '{"amount":5}' >/dev/null
post "/accounts/$dave/close" fixture-dave-close '' >/dev/null
# 300 more commands on one account: snapshots at 100, 200, 300 carry a full 256-entry window.
for i in $(seq 1 300); do post "/accounts/$merchant/deposits" "fixture-merchant-$i" '{"amount":1.01}' >/dev/null; done

# Both transfers settle in the background: wait until they are final.
for key in fixture-transfer-ok fixture-transfer-refused; do
  tid=$(python3 -c 'import hashlib,sys,uuid
b=bytearray(hashlib.sha256(("bankaccounts/transfer/"+sys.argv[1]).encode()).digest()[:16])
b[7]=(b[7]&0x0F)|0x50; b[8]=(b[8]&0x3F)|0x80
print(uuid.UUID(bytes_le=bytes(b)))' "$key")
  for _ in $(seq 1 100); do
    status=$(curl -fs "$base/transfers/$tid" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    [[ "$status" != pending ]] && break
    sleep 0.2
  done
  [[ "$status" != pending ]] || { echo "transfer $key still pending" >&2; exit 1; }
done

# What every account answers from the write side's point of view once all is settled (read model caught up).
mkdir -p "$out"
python3 - "$base" "$out/expected.json" "$alice" "$bob" "$carol" "$dave" "$merchant" <<'EOF'
import json, sys, time, urllib.request
base, target, *ids = sys.argv[1:]
names = ["alice", "bob", "carol", "dave", "merchant"]
accounts = []
for name, account_id in zip(names, ids):
    for _ in range(100):
        a = json.load(urllib.request.urlopen(f"{base}/accounts/{account_id}"))
        events = json.load(urllib.request.urlopen(f"{base}/accounts/{account_id}/events?limit=1000"))["items"]
        if a["version"] == len(events):
            break
        time.sleep(0.2)
    keys = sorted({e["data"]["commandId"] for e in events})
    accounts.append({"name": name, "accountId": account_id, "owner": a["owner"], "currency": a["currency"],
                     "balance": a["balance"], "status": a["status"], "version": a["version"], "commandIds": keys})
json.dump({"commit": sys.argv[0], "accounts": accounts}, open(target, "w"), indent=2)
EOF
python3 - "$out/expected.json" "$commit" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1])); data["commit"] = sys.argv[2]
json.dump(data, open(sys.argv[1], "w"), indent=2)
EOF

kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
python3 - "$work/run/data/journal.db" "$out/journal.sql" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w") as f:
    for line in con.iterdump():
        f.write(line + "\n")
EOF
echo "wrote $out/journal.sql ($(wc -l <"$out/journal.sql") lines) and $out/expected.json"
