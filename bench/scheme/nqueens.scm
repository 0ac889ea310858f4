;; nqueens: count every solution of the 8-queens problem (92), repeated.
(define (interval a b)
  (if (> a b) '() (cons a (interval (+ a 1) b))))

(define (ok? row dist placed)
  (if (null? placed)
      #t
      (and (not (= (car placed) (+ row dist)))
           (not (= (car placed) (- row dist)))
           (ok? row (+ dist 1) (cdr placed)))))

(define (try-it x y z)
  (if (null? x)
      (if (null? y) 1 0)
      (+ (if (ok? (car x) 1 z)
             (try-it (append (cdr x) y) '() (cons (car x) z))
             0)
         (try-it (cdr x) (cons (car x) y) z))))

(define (queens n) (try-it (interval 1 n) '() '()))

(define (repeat k acc)
  (if (= k 0)
      acc
      (repeat (- k 1) (+ acc (queens 8)))))

(display "nqueens ") (display (repeat 600 0)) (newline)
