// SPDX-License-Identifier: Apache-2.0
/*
 * Signing a bundle: an Ed25519 signature over its bytes [0, total_size), as a
 * trailer. OpenSSL reads the PEM private key (PKCS#8, possibly encrypted) and
 * signs; verification (verify.c) needs only libsodium, so the engine and its
 * static build do not link OpenSSL.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "rulesc.h"

static EVP_PKEY *load_key(const char *path, const char **ret_why)
{
	FILE *f = fopen(path, "re");
	EVP_PKEY *k;

	if (!f) {
		*ret_why = "cannot open the key file";
		return NULL;
	}
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!k) {
		*ret_why = "not a PEM private key";
		return NULL;
	}
	if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(k);
		*ret_why = "the key is not an Ed25519 key (openssl genpkey -algorithm ed25519)";
		return NULL;
	}
	return k;
}

/* The key id is the SHA-256 of the raw 32-byte public key. */
static int key_id(EVP_PKEY *k, uint8_t out[32])
{
	uint8_t raw[32];
	size_t len = sizeof(raw);

	if (EVP_PKEY_get_raw_public_key(k, raw, &len) != 1 || len != sizeof(raw))
		return -EINVAL;
	return wb_sha256(raw, len, out);
}

int ward_bundle_sign(const uint8_t *buf, size_t len, const char *key_pem, uint8_t **ret_buf,
		     size_t *ret_len, const char **ret_why)
{
	struct ward_bundle *b;
	struct wb_sig_trailer t = { 0 };
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *k = NULL;
	size_t siglen = sizeof(t.sig);
	uint8_t *out = NULL;
	int r;

	r = ward_bundle_open(buf, len, &b, ret_why);
	if (r < 0)
		return r;
	k = load_key(key_pem, ret_why);
	if (!k) {
		r = -EINVAL;
		goto out;
	}
	memcpy(t.magic, WB_SIG_MAGIC, sizeof(t.magic));
	t.alg = WB_SIG_ED25519;
	t.sig_len = sizeof(t.sig);
	ctx = EVP_MD_CTX_new();
	r = -EIO;
	*ret_why = "signing failed";
	if (!ctx || key_id(k, t.key_id) < 0 || EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) != 1 ||
	    EVP_DigestSign(ctx, t.sig, &siglen, b->buf, b->len) != 1 || siglen != sizeof(t.sig))
		goto out;
	out = malloc(b->len + sizeof(t));
	if (!out) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(out, b->buf, b->len);
	memcpy(out + b->len, &t, sizeof(t));
	*ret_buf = out;
	*ret_len = b->len + sizeof(t);
	r = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	ward_bundle_free(b);
	return r;
}
