/* Digests of many strings in one call: e-mail keys (HMAC-SHA256) and password digests
 * (SHA-1, NTLM = MD4 of UTF-16LE), by OpenSSL's libcrypto.
 *
 * Why C: a dump of a million distinct credentials needs three million digests, and from
 * Python each costs a call, an encode and a copy (about 3 us a credential, two thirds of
 * extracting a combo list). Here the loop and the encodings are native. The digests come back
 * as bytes, the warehouse's form (warehouse/sql/003_binary_digests.sql).
 * The results equal hmac/hashlib/MD4 byte for byte (tests/ml/test_digests.py); ml.bulk falls
 * back to Python when this module was not built.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <openssl/md4.h>
#include <openssl/sha.h>
#include <string.h>

/* The UTF-8 bytes of a str, lone surrogates kept (Python's "surrogatepass"); *owner is a
 * bytes object to release afterwards, or NULL. */
static const char *utf8_of(PyObject *text, Py_ssize_t *size, PyObject **owner) {
    *owner = NULL;
    const char *bytes = PyUnicode_AsUTF8AndSize(text, size);
    if (bytes != NULL) return bytes;
    if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) return NULL;
    PyErr_Clear();
    *owner = PyUnicode_AsEncodedString(text, "utf-8", "surrogatepass");
    if (*owner == NULL) return NULL;
    *size = PyBytes_GET_SIZE(*owner);
    return PyBytes_AS_STRING(*owner);
}

/* The UTF-16LE bytes of a str into buffer (4 bytes per code point at most), surrogates kept. */
static Py_ssize_t utf16le_of(PyObject *text, unsigned char *buffer) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), at = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0x10000) {
            Py_UCS4 v = c - 0x10000, high = 0xD800 | (v >> 10), low = 0xDC00 | (v & 0x3FF);
            buffer[at++] = (unsigned char)(high & 0xFF);
            buffer[at++] = (unsigned char)(high >> 8);
            buffer[at++] = (unsigned char)(low & 0xFF);
            buffer[at++] = (unsigned char)(low >> 8);
        } else {
            buffer[at++] = (unsigned char)(c & 0xFF);
            buffer[at++] = (unsigned char)(c >> 8);
        }
    }
    return at;
}

static PyObject *strings_of(PyObject *sequence, Py_ssize_t *n, PyObject ***items) {
    PyObject *fast = PySequence_Fast(sequence, "expected a sequence of str");
    if (fast == NULL) return NULL;
    *n = PySequence_Fast_GET_SIZE(fast);
    *items = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t i = 0; i < *n; i++) {
        if (!PyUnicode_Check((*items)[i])) {
            Py_DECREF(fast);
            PyErr_Format(PyExc_TypeError, "item %zd is not a str", i);
            return NULL;
        }
    }
    return fast;
}

PyDoc_STRVAR(hmac_sha256_doc,
             "hmac_sha256(key, messages) -> list[bytes]\n\n"
             "HMAC-SHA256(key, UTF-8 of each message); a lone surrogate raises.");

static PyObject *hmac_sha256(PyObject *module, PyObject *args) {
    Py_buffer key;
    PyObject *sequence;
    if (!PyArg_ParseTuple(args, "y*O", &key, &sequence)) return NULL;
    unsigned char block[64] = {0}, pad[64], digest[SHA256_DIGEST_LENGTH];
    if (key.len > 64) {
        SHA256(key.buf, (size_t)key.len, block);
    } else {
        memcpy(block, key.buf, (size_t)key.len);
    }
    PyBuffer_Release(&key);
    SHA256_CTX inner, outer, work;
    for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x36;
    SHA256_Init(&inner);
    SHA256_Update(&inner, pad, 64);
    for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x5C;
    SHA256_Init(&outer);
    SHA256_Update(&outer, pad, 64);

    Py_ssize_t n;
    PyObject **items;
    PyObject *fast = strings_of(sequence, &n, &items);
    if (fast == NULL) return NULL;
    PyObject *out = PyList_New(n);
    if (out == NULL) goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t size;
        /* Strict UTF-8, as str.encode("utf-8"): a key is never made of a lone surrogate. */
        const char *bytes = PyUnicode_AsUTF8AndSize(items[i], &size);
        if (bytes == NULL) goto fail;
        work = inner;
        SHA256_Update(&work, bytes, (size_t)size);
        SHA256_Final(digest, &work);
        work = outer;
        SHA256_Update(&work, digest, sizeof digest);
        SHA256_Final(digest, &work);
        PyObject *key_bytes = PyBytes_FromStringAndSize((const char *)digest, sizeof digest);
        if (key_bytes == NULL) goto fail;
        PyList_SET_ITEM(out, i, key_bytes);
    }
    Py_DECREF(fast);
    return out;
fail:
    Py_XDECREF(out);
    Py_DECREF(fast);
    return NULL;
}

PyDoc_STRVAR(password_digests_doc,
             "password_digests(passwords) -> (list[bytes], list[bytes])\n\n"
             "SHA-1 of the UTF-8 and MD4 (NTLM) of the UTF-16LE of each password.");

static PyObject *password_digests(PyObject *module, PyObject *sequence) {
    Py_ssize_t n;
    PyObject **items;
    PyObject *fast = strings_of(sequence, &n, &items);
    if (fast == NULL) return NULL;
    PyObject *sha1 = PyList_New(n), *ntlm = PyList_New(n);
    unsigned char stack[1024], *wide = stack, digest[SHA_DIGEST_LENGTH];
    Py_ssize_t capacity = sizeof stack;
    if (sha1 == NULL || ntlm == NULL) goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t size;
        PyObject *owner;
        const char *bytes = utf8_of(items[i], &size, &owner);
        if (bytes == NULL) goto fail;
        /* The Init/Update/Final calls, not the one-shot SHA1()/MD4(): in OpenSSL 3 those fetch
         * the algorithm from a provider on every call, three times the cost here. */
        SHA_CTX sha;
        SHA1_Init(&sha);
        SHA1_Update(&sha, bytes, (size_t)size);
        SHA1_Final(digest, &sha);
        Py_XDECREF(owner);
        PyObject *value = PyBytes_FromStringAndSize((const char *)digest, SHA_DIGEST_LENGTH);
        if (value == NULL) goto fail;
        PyList_SET_ITEM(sha1, i, value);

        Py_ssize_t need = 4 * PyUnicode_GET_LENGTH(items[i]);
        if (need > capacity) {
            unsigned char *grown = PyMem_Malloc((size_t)need);
            if (grown == NULL) {
                PyErr_NoMemory();
                goto fail;
            }
            if (wide != stack) PyMem_Free(wide);
            wide = grown;
            capacity = need;
        }
        MD4_CTX md4;
        MD4_Init(&md4);
        MD4_Update(&md4, wide, (size_t)utf16le_of(items[i], wide));
        MD4_Final(digest, &md4);
        value = PyBytes_FromStringAndSize((const char *)digest, MD4_DIGEST_LENGTH);
        if (value == NULL) goto fail;
        PyList_SET_ITEM(ntlm, i, value);
    }
    if (wide != stack) PyMem_Free(wide);
    Py_DECREF(fast);
    PyObject *pair = PyTuple_Pack(2, sha1, ntlm);
    Py_DECREF(sha1);
    Py_DECREF(ntlm);
    return pair;
fail:
    if (wide != stack) PyMem_Free(wide);
    Py_XDECREF(sha1);
    Py_XDECREF(ntlm);
    Py_DECREF(fast);
    return NULL;
}

static PyMethodDef methods[] = {
    {"hmac_sha256", hmac_sha256, METH_VARARGS, hmac_sha256_doc},
    {"password_digests", password_digests, METH_O, password_digests_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "breachwatch._digests",
    "Digests of many strings in one call, by OpenSSL's libcrypto.", -1, methods,
};

PyMODINIT_FUNC PyInit__digests(void) { return PyModule_Create(&module); }
