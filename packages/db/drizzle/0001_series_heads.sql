CREATE TABLE `series_heads` (
	`symbol_id` int unsigned NOT NULL,
	`interval` enum('1m','5m','15m','1h','4h','1d') NOT NULL,
	`rev` bigint unsigned NOT NULL DEFAULT 0,
	`last_open_time` bigint,
	CONSTRAINT `pk_series_heads` PRIMARY KEY(`symbol_id`,`interval`)
);
--> statement-breakpoint
ALTER TABLE `series_heads` ADD CONSTRAINT `series_heads_symbol_id_symbols_id_fk` FOREIGN KEY (`symbol_id`) REFERENCES `symbols`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Series already stored get their head now (rev 0: no write recorded yet); new ones on their first write.
INSERT INTO `series_heads` (`symbol_id`, `interval`, `rev`, `last_open_time`)
SELECT `symbol_id`, `interval`, 0, MAX(`open_time`) FROM `candles` GROUP BY `symbol_id`, `interval`;
