package org.iotasign.cli;

import java.lang.reflect.Field;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Options and parameters of a command whose picocli model is built in code (see
 * {@link Main#COMMANDS}), bound to the command object's fields by name, with the type, label
 * and initial value picocli would read from an annotated field. What picocli's annotation
 * reading would give, without it: reading annotations makes the JDK generate a proxy class for
 * each annotation type, a sixth of a {@code verify} run.
 */
final class CodedOptions {
    private static final String HELP_DESCRIPTION = "Show this help message and exit.";

    private CodedOptions() {
    }

    /** The model of {@code command}, named {@code name}, with its help's header (null: none) and description. */
    static CommandSpec command(Object command, String name, String header, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
        if (header != null) {
            spec.usageMessage().header(header);
        }
        spec.usageMessage().description(description);
        return spec;
    }

    /** An option bound to {@code field} of {@code command}. */
    static OptionSpec.Builder option(Object command, String field, String... names) {
        FieldAccess access = new FieldAccess(command, field);
        return OptionSpec.builder(names).type(access.type()).paramLabel("<" + field + ">").getter(access).setter(access)
                .initialValue(access.value()).hasInitialValue(true);
    }

    /** The one-value positional parameter at {@code index}, bound to {@code field}: required, as picocli makes it. */
    static PositionalParamSpec.Builder parameter(Object command, String field, int index) {
        FieldAccess access = new FieldAccess(command, field);
        return PositionalParamSpec.builder().index(String.valueOf(index)).type(access.type()).paramLabel("<" + field + ">")
                .required(true).getter(access).setter(access).initialValue(access.value()).hasInitialValue(true);
    }

    /** {@code -h, --help}, as an annotated command declares it. */
    static OptionSpec help(Object command, String field) {
        return option(command, field, "-h", "--help").usageHelp(true).description(HELP_DESCRIPTION).build();
    }

    /** {@code -h, --help} and {@code -V, --version}, as picocli's mixinStandardHelpOptions adds them (also the root's). */
    static void addStandardHelp(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class).paramLabel("<helpRequested>")
                .description(HELP_DESCRIPTION).build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class).paramLabel("<versionRequested>")
                .description("Print version information and exit.").build());
    }

    /** Reads and writes one field; same package, so no access override is needed. */
    private static final class FieldAccess implements IGetter, ISetter {
        private final Object target;
        private final Field field;

        FieldAccess(Object target, String name) {
            this.target = target;
            try {
                field = target.getClass().getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(target.getClass().getSimpleName() + " has no field " + name, e);
            }
        }

        Class<?> type() {
            return field.getType();
        }

        /** The field's value now: as with an annotated field, what the option goes back to between parses. */
        Object value() {
            try {
                return get();
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() throws IllegalAccessException {
            return (T) field.get(target);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) throws IllegalAccessException {
            T old = (T) field.get(target);
            field.set(target, value);
            return old;
        }
    }
}
