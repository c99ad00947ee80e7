/** The workbook in the browser: applies the saved display settings, then starts the app. */
import { settings } from './app/settings.js';
import './app/warren-app.js';

settings();
