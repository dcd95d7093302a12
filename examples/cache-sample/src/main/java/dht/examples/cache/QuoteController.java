package dht.examples.cache;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** The quotes over HTTP, and how many lookups the cache could not spare. */
@RestController
@RequestMapping("/quotes")
class QuoteController {

    private final QuoteService quotes;

    QuoteController(QuoteService quotes) {
        this.quotes = quotes;
    }

    @GetMapping("/{symbol}")
    Quote quote(@PathVariable String symbol) {
        return quotes.quote(symbol);
    }

    @DeleteMapping("/{symbol}")
    ResponseEntity<Void> forget(@PathVariable String symbol) {
        quotes.forget(symbol);
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping
    ResponseEntity<Void> forgetAll() {
        quotes.forgetAll();
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/lookups")
    Map<String, Integer> lookups() {
        return Map.of("lookups", quotes.lookups());
    }
}
