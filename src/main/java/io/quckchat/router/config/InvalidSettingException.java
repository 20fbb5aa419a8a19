package io.quckchat.router.config;

/** A setting is missing or malformed; the message names it and, where there is one, its environment variable. */
public class InvalidSettingException extends RuntimeException {

    private final String setting;

    public InvalidSettingException(String setting, String problem) {
        super(describe(setting, problem));
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }

    private static String describe(String setting, String problem) {
        String env = Settings.environmentVariable(setting);
        return "Invalid setting " + setting + (env == null ? "" : " (" + env + ")") + ": " + problem;
    }
}
