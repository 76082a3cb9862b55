package org.allocbench.cli;

import org.allocbench.trace.OpBudget;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --ops} of every command: a whole number from 1 to what this JVM's
 * heap can hold ({@link OpBudget}). A picocli converter, so a bad count is a
 * usage error before any work starts, with the same words everywhere.
 */
final class OpCount implements ITypeConverter<Integer> {

    @Override
    public Integer convert(String value) {
        long ops;
        try {
            ops = Long.parseLong(value.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("\"" + value + "\" is not a whole number of ops");
        }
        String problem = OpBudget.problem(ops);
        if (problem != null) {
            throw new TypeConversionException(problem);
        }
        return (int) ops;
    }
}
