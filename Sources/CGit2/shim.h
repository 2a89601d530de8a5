#ifndef GITCANARY_CGIT2_SHIM_H
#define GITCANARY_CGIT2_SHIM_H
#include <git2.h>

/// git_libgit2_opts is variadic; these typed wrappers are what Swift calls.
static inline int cgit2_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}
static inline int cgit2_set_ssl_cert_file(const char *file) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, (const char *)0);
}
static inline int cgit2_set_timeout_ms(int ms) {
    (void)ms; /* libgit2 1.5 has no server timeout option; callers enforce deadlines via callbacks. */
    return 0;
}
#endif
