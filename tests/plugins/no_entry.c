/* Test fixture: a shared library that is not a Racine plugin (it exports
 * no racine_plugin_init). Loading it must fail with a clear error. */
int racine_not_a_plugin(void);

int racine_not_a_plugin(void) {
    return 42;
}
