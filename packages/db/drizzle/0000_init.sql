CREATE TABLE `candles` (
	`symbol_id` int unsigned NOT NULL,
	`interval` enum('1m','5m','15m','1h','4h','1d') NOT NULL,
	`open_time` bigint NOT NULL,
	`open` decimal(24,10) NOT NULL,
	`high` decimal(24,10) NOT NULL,
	`low` decimal(24,10) NOT NULL,
	`close` decimal(24,10) NOT NULL,
	`volume` decimal(30,10) NOT NULL,
	`quote_volume` decimal(36,10) NOT NULL DEFAULT '0',
	`trades` int unsigned NOT NULL DEFAULT 0,
	CONSTRAINT `pk_candles` PRIMARY KEY(`symbol_id`,`interval`,`open_time`)
);
--> statement-breakpoint
CREATE TABLE `liquidation_orders` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`symbol_id` int unsigned NOT NULL,
	`side` enum('BUY','SELL') NOT NULL,
	`order_type` varchar(16) NOT NULL,
	`time_in_force` varchar(8) NOT NULL,
	`original_quantity` decimal(30,10) NOT NULL,
	`price` decimal(24,10) NOT NULL,
	`average_price` decimal(24,10) NOT NULL,
	`order_status` varchar(16) NOT NULL,
	`last_fill_quantity` decimal(30,10) NOT NULL,
	`accumulated_fill_quantity` decimal(30,10) NOT NULL,
	`order_trade_time` bigint NOT NULL,
	CONSTRAINT `liquidation_orders_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_liq_natural` UNIQUE(`symbol_id`,`order_trade_time`,`side`,`price`,`original_quantity`)
);
--> statement-breakpoint
CREATE TABLE `symbols` (
	`id` int unsigned AUTO_INCREMENT NOT NULL,
	`name` varchar(32) NOT NULL,
	`base` varchar(16) NOT NULL,
	`quote` varchar(16) NOT NULL,
	`active` boolean NOT NULL DEFAULT true,
	CONSTRAINT `symbols_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_symbols_name` UNIQUE(`name`)
);
--> statement-breakpoint
ALTER TABLE `candles` ADD CONSTRAINT `candles_symbol_id_symbols_id_fk` FOREIGN KEY (`symbol_id`) REFERENCES `symbols`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `liquidation_orders` ADD CONSTRAINT `liquidation_orders_symbol_id_symbols_id_fk` FOREIGN KEY (`symbol_id`) REFERENCES `symbols`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `ix_liq_symbol_time_id` ON `liquidation_orders` (`symbol_id`,`order_trade_time`,`id`);--> statement-breakpoint
CREATE INDEX `ix_liq_time_id` ON `liquidation_orders` (`order_trade_time`,`id`);