package dht.cli;

import picocli.CommandLine.Command;

@Command(name = "delete", description = "Delete a key through a random live node. Prints 'deleted'; exit code 4 when the key does not exist.")
final class DeleteCommand extends KeyCommand {

    @Override
    public Integer call() {
        KeyClient.KeyReply reply = keys().delete(key).requireSuccess();
        report(reply, "");
        if (json()) {
            printJson(reply, answer -> answer.put("deleted", true));
        } else {
            streams().out().println("deleted");
        }
        return Exit.OK;
    }
}
