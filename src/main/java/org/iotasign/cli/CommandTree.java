package org.iotasign.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The whole command tree under a class name, for tools that take one instead of a
 * {@link CommandLine}: the bundle build's man-page and completion generators
 * (src/dist/assemble-bundle.sh). {@link Main}'s root names no subcommands, since
 * a run builds only the command it names; picocli replaces this class's model with
 * {@link Main#commandLine()}'s.
 */
@Command(name = "iotasign", modelTransformer = CommandTree.class)
public final class CommandTree implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec annotated) {
        return Main.commandLine().getCommandSpec();
    }
}
