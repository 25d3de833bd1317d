// SPDX-License-Identifier: Apache-2.0
/*
 * Verifying a bundle's Ed25519 signature trailer with libsodium. The trusted
 * key is a PEM "PUBLIC KEY" (what `openssl pkey -pubout` writes): for Ed25519
 * its DER is always the same 12-byte SubjectPublicKeyInfo prefix (RFC 8410)
 * followed by the 32-byte key, so it is checked against that prefix rather
 * than parsed as general ASN.1.
 */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "rulesc.h"

#define PEM_BEGIN "-----BEGIN PUBLIC KEY-----"
#define PEM_END	  "-----END PUBLIC KEY-----"
#define PEM_MAX	  4096

/* SEQUENCE { SEQUENCE { OID 1.3.101.112 (Ed25519) } BIT STRING (33 bytes, 0 unused bits) } */
static const uint8_t ed25519_spki_prefix[12] = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
						 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };

/* Reads the raw Ed25519 public key from a PEM file. 0 or -errno with a reason. */
static int load_pubkey(const char *path, uint8_t ret_pk[crypto_sign_PUBLICKEYBYTES],
		       const char **ret_why)
{
	uint8_t *pem = NULL, der[64];
	const char *b64, *end;
	size_t pem_len, der_len;
	int r;

	r = rc_read_file(path, PEM_MAX, &pem, &pem_len);
	if (r < 0) {
		*ret_why = "cannot read the public key file";
		return r;
	}
	r = -EINVAL;
	*ret_why = "not a PEM public key (openssl pkey -in key.pem -pubout)";
	b64 = memmem(pem, pem_len, PEM_BEGIN, strlen(PEM_BEGIN));
	if (!b64)
		goto out;
	b64 += strlen(PEM_BEGIN);
	end = memmem(b64, pem_len - (size_t)(b64 - (const char *)pem), PEM_END, strlen(PEM_END));
	if (!end)
		goto out;
	if (sodium_base642bin(der, sizeof(der), b64, (size_t)(end - b64), " \t\r\n", &der_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		goto out;
	if (der_len != sizeof(ed25519_spki_prefix) + crypto_sign_PUBLICKEYBYTES ||
	    memcmp(der, ed25519_spki_prefix, sizeof(ed25519_spki_prefix)) != 0) {
		*ret_why =
			"the key is not an Ed25519 public key (openssl genpkey -algorithm ed25519)";
		goto out;
	}
	memcpy(ret_pk, der + sizeof(ed25519_spki_prefix), crypto_sign_PUBLICKEYBYTES);
	r = 0;
out:
	free(pem);
	return r;
}

int ward_bundle_verify(const uint8_t *buf, size_t len, const char *pub_path, const char **ret_why)
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], id[32];
	struct ward_bundle *b;
	int r;

	if (sodium_init() < 0) {
		*ret_why = "libsodium failed to initialise";
		return -EIO;
	}
	r = ward_bundle_open(buf, len, &b, ret_why);
	if (r < 0)
		return r;
	r = -EBADMSG;
	if (!b->sig) {
		*ret_why = "bundle is not signed";
		goto out;
	}
	r = load_pubkey(pub_path, pk, ret_why);
	if (r < 0)
		goto out;
	r = wb_sha256(pk, sizeof(pk), id);
	if (r < 0) {
		*ret_why = "cannot hash the public key";
		goto out;
	}
	r = -EBADMSG;
	if (memcmp(id, b->sig->key_id, sizeof(id)) != 0) {
		*ret_why = "bundle is signed by a different key";
		goto out;
	}
	if (crypto_sign_verify_detached(b->sig->sig, b->buf, b->len, pk) != 0) {
		*ret_why = "signature does not match the bundle";
		goto out;
	}
	r = 0;
out:
	ward_bundle_free(b);
	return r;
}
