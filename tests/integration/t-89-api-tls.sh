#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The control API's TCP listener (docs/api.md, "Over TCP"): refused without a
# certificate, its key and a token file (exit 2), with a token file others can
# read or a key that is not the certificate's (exit 3, bad input, said before
# anything starts); served in TLS
# 1.2 or later only (plain HTTP and TLS 1.1 get no answer); a request without
# the bearer token or with another answers 401 with WWW-Authenticate; with
# it, the same routes as on the unix socket (status, a policy's mode switched).
# The server runs a signed bundle with --trusted-key: PUT /v1/policy takes a bundle
# signed by that key only (YAML, an unsigned bundle and another key's: 400, the
# generation stays).
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v openssl >/dev/null || skip "openssl not installed (make deps)"

A=$(ctr_id a)
pol=$TDIR/policy.yaml
secret_policy "$pol" it-tls "$A"
cert=$TDIR/cert.pem key=$TDIR/key.pem tok=$TDIR/token
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=ward-test -addext subjectAltName=IP:127.0.0.1 -keyout "$key" -out "$cert" \
	2>/dev/null || fail "openssl could not make a certificate"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=other -keyout "$TDIR/other.pem" -out /dev/null 2>/dev/null ||
	fail "openssl could not make a second key"
echo "tok-$RANDOM$RANDOM$RANDOM$RANDOM" >"$tok"
chmod 600 "$tok"
tls=(--api-tls-cert "$cert" --api-tls-key "$key" --api-token-file "$tok")
RULESC=$(dirname "$WARD")/rulesc
# signed POLICY-YAML KEY OUT: POLICY compiled and signed by KEY into OUT
signed() {
	"$RULESC" compile --output "$3.unsigned" "$1" >/dev/null 2>&1 &&
		"$RULESC" sign --key "$2" --output "$3" "$3.unsigned" >/dev/null 2>&1 ||
		fail "compiling and signing $1"
}
for k in sign other; do
	openssl genpkey -algorithm ed25519 -out "$TDIR/$k.key" 2>/dev/null &&
		openssl pkey -in "$TDIR/$k.key" -pubout -out "$TDIR/$k.pub" 2>/dev/null ||
		fail "openssl could not make an ed25519 key"
done
signed "$pol" "$TDIR/sign.key" "$TDIR/p1.bundle"

# refused: what is missing, what others can read, a key of another certificate
rc=0
msg=$("$WARD" server --no-policy --api 127.0.0.1:0 --api-tls-cert "$cert" 2>&1) || rc=$?
[ $rc -eq 2 ] && grep -q -- "--api-token-file" <<<"$msg" || fail "no token: status $rc: $msg"
chmod 644 "$tok"
rc=0
msg=$("$WARD" server --no-policy -d 5 --api-socket "$TDIR/x.sock" --api 127.0.0.1:0 \
	"${tls[@]}" 2>&1) || rc=$?
[ $rc -eq 3 ] && grep -q "readable by others (mode 0644): chmod 600" <<<"$msg" ||
	fail "a token others can read: status $rc: $msg"
chmod 600 "$tok"
rc=0
msg=$("$WARD" server --no-policy -d 5 --api-socket "$TDIR/x.sock" --api 127.0.0.1:0 \
	--api-tls-cert "$cert" --api-tls-key "$TDIR/other.pem" --api-token-file "$tok" 2>&1) ||
	rc=$?
[ $rc -eq 3 ] && grep -q "not the key of the certificate" <<<"$msg" ||
	fail "another certificate's key: status $rc: $msg"
echo "ok: refused without TLS and a token (2), a token others read, a foreign key (3)"

ctr_start "$A"
server_start "$TDIR/p1.bundle" --trusted-key "$TDIR/sign.pub" --api-socket "$TDIR/ward.sock" \
	--api 127.0.0.1:0 "${tls[@]}"
ward_in_force w
poll 5 grep -q "control API on .*https://" "$TDIR/w.err" || fail "no https address said"
url=$(grep -o "https://127.0.0.1:[0-9]*" "$TDIR/w.err" | head -n 1)
tlsapi() { # METHOD PATH [CURL-ARG...]: $code, $body (as api() in lib.sh)
	local m=$1 p=$2 resp
	shift 2
	resp=$(curl -sS --cacert "$cert" -X "$m" -w '\n%{http_code}' "$@" "$url$p") ||
		fail "curl $m $url$p failed"
	code=${resp##*$'\n'}
	body=${resp%$'\n'*}
}
bearer=(-H "Authorization: Bearer $(cat "$tok")")

tlsapi GET /v1/status -D "$TDIR/h401"
expect 401 "no token: 401" '.location == "Authorization"'
grep -qi '^WWW-Authenticate: Bearer' "$TDIR/h401" || fail "401 without WWW-Authenticate"
tlsapi GET /v1/status -H "Authorization: Bearer $(cat "$tok")x"
expect 401 "another token: 401" '.error | test("not this server")'
tlsapi GET /v1/status "${bearer[@]}"
expect 200 "the token: status" '.generation == 1'
tlsapi PATCH /v1/policies/it-tls "${bearer[@]}" -d '{"mode": "enforce"}'
expect 200 "  ... and a policy's mode switched" '.mode == "enforce" and .generation == 2'

secret_policy "$TDIR/p2.yaml" it-tls2 "$A"
signed "$TDIR/p2.yaml" "$TDIR/sign.key" "$TDIR/p2.bundle"
signed "$TDIR/p2.yaml" "$TDIR/other.key" "$TDIR/p2-other.bundle"
for body in p2.yaml p2.bundle.unsigned p2-other.bundle; do
	tlsapi PUT /v1/policy "${bearer[@]}" --data-binary "@$TDIR/$body"
	expect 400 "--trusted-key: PUT $body refused" '.error | test("policy rejected")'
done
tlsapi GET /v1/policy "${bearer[@]}"
expect 200 "  ... generation 2 stays" '.generation == 2'
tlsapi PUT /v1/policy "${bearer[@]}" --data-binary "@$TDIR/p2.bundle"
expect 200 "  ... the bundle that key signed goes in force" '.generation == 3'
tlsapi GET /v1/policy "${bearer[@]}"
expect 200 "  ... signed by it" '.policies[0].name == "it-tls2" and (.signer_key_id | length) == 64'
if curl -sS --max-time 5 "http://${url#https://}/v1/status" "${bearer[@]}" >/dev/null 2>&1; then
	fail "plain HTTP on the TLS port got an answer"
fi
if curl -sS --max-time 5 --cacert "$cert" --tls-max 1.1 "$url/v1/status" "${bearer[@]}" \
	>/dev/null 2>&1; then
	fail "TLS 1.1 got an answer"
fi
echo "ok: plain HTTP and TLS 1.1 get no answer"
ward_stop w
