package dht.cli;

import picocli.CommandLine.Command;

@Command(name = "delete", description = "Delete a key from its replicas. Prints 'deleted'; exit code 4 when the key does not exist.")
final class DeleteCommand extends KeyCommand {

    @Override
    public Integer call() {
        if (!client().delete(validKey())) {
            throw notFound(key);
        }
        report("");
        if (json()) {
            printJson(answer -> answer.put("deleted", true));
        } else {
            streams().out().println("deleted");
        }
        return Exit.OK;
    }
}
