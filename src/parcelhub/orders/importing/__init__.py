"""Importing marketplace order exports (淘宝/天猫, 京东, 拼多多, 抖店) and our own template from CSV or XLSX."""
