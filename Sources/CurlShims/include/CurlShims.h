// Typed, non-variadic wrappers over libcurl's variadic calls, which Swift cannot import.
// One function per argument type: Swift chooses the right one and the C compiler checks the rest.
// Ownership: these functions never take ownership of what they are given; libcurl copies strings set with
// CURLOPT_* string options (since 7.17.0), and the caller keeps every other pointer alive as libcurl documents.
#ifndef SYNC_RELAY_CURL_SHIMS_H
#define SYNC_RELAY_CURL_SHIMS_H

#include <curl/curl.h>

/// curl_easy_setopt for options taking a long (CURLOPTTYPE_LONG).
CURLcode sr_easy_setopt_long(CURL *handle, CURLoption option, long value);
/// curl_easy_setopt for options taking a curl_off_t (CURLOPTTYPE_OFF_T).
CURLcode sr_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
/// curl_easy_setopt for options taking a C string (libcurl copies it).
CURLcode sr_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
/// curl_easy_setopt for options taking an opaque pointer (CURLOPT_PRIVATE, *DATA, CURLOPT_POSTFIELDS, slists).
CURLcode sr_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
/// curl_easy_setopt for CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
CURLcode sr_easy_setopt_write_callback(
    CURL *handle, CURLoption option, size_t (*callback)(char *, size_t, size_t, void *));

/// curl_easy_getinfo for CURLINFO_LONG values.
CURLcode sr_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
/// curl_easy_getinfo for CURLINFO_OFF_T values.
CURLcode sr_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
/// curl_easy_getinfo for CURLINFO_STRING values (owned by the handle; valid until the next call on it).
CURLcode sr_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value);
/// curl_easy_getinfo for CURLINFO_PRIVATE.
CURLcode sr_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

/// curl_multi_setopt for options taking a long.
CURLMcode sr_multi_setopt_long(CURLM *handle, CURLMoption option, long value);
/// curl_multi_setopt for options taking a pointer.
CURLMcode sr_multi_setopt_pointer(CURLM *handle, CURLMoption option, void *value);

/// Reads the next finished transfer from curl_multi_info_read, skipping other message kinds (CURLMsg holds a union
/// Swift imports awkwardly). Returns 1 and fills `easy` and `result` for a CURLMSG_DONE message, 0 when none is left.
/// Call it only on the thread that drives the multi handle.
int sr_multi_info_read_done(CURLM *handle, CURL **easy, CURLcode *result);

#endif
