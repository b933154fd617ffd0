package org.chiltepin.gen;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "regress", mixinStandardHelpOptions = true)
final class RegressCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
